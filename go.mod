module github.com/hopcheck/hopcheck

go 1.26.0

require (
	github.com/aws/smithy-go/aws-http-auth v1.2.2
	github.com/goccy/go-yaml v1.19.2
	github.com/google/go-cmp v0.7.0
	github.com/google/go-github/v62 v62.0.0
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
	github.com/sethvargo/go-githubactions v1.4.0
	go.uber.org/goleak v1.3.0
	golang.org/x/crypto/x509roots/fallback v0.0.0-20261030153154-30a33513ff6d
	golang.org/x/text v0.14.0
)

require github.com/google/go-querystring v1.1.0 // indirect
