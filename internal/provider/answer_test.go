package provider

import (
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/hopcheck/hopcheck/internal/chain"
)

// answerCase is one case of testdata/answers.yaml; the file's header says
// what the fields mean.
type answerCase struct {
	Name        string `yaml:"name"`
	Source      string `yaml:"source"`
	Variant     string `yaml:"variant"`
	Constructed string `yaml:"constructed"`
	Note        string `yaml:"note"`
	Hop         string `yaml:"hop"`
	Base        string `yaml:"base"`
	ContentType string `yaml:"content_type"`
	Body        string `yaml:"body"`
	Want        struct {
		OK    bool    `yaml:"ok"`
		Text  *string `yaml:"text"`
		Error string  `yaml:"error"`
	} `yaml:"want"`
}

func (ac answerCase) check() error {
	var errs []error
	n := 0
	for _, s := range []string{ac.Source, ac.Variant, ac.Constructed} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		errs = append(errs, errors.New("needs exactly one of source, variant and constructed"))
	}
	if ac.Source != "" && !strings.HasPrefix(ac.Source, "https://") {
		errs = append(errs, errors.New("source is not a URL"))
	}
	if ac.Note != "" && ac.Source == "" {
		errs = append(errs, errors.New("a note qualifies a source"))
	}
	if _, ok := Lookup(chain.HopType(ac.Hop)); !ok {
		errs = append(errs, errors.New("unknown hop type "+ac.Hop))
	}
	if ac.Want.OK == (ac.Want.Error != "") {
		errs = append(errs, errors.New("want either ok: true or an error"))
	}
	return errors.Join(errs...)
}

// The canary of each hop type passes only a completion in its wire format:
// real answers of working models pass (reasoning models out of tokens, tool
// calls, thinking-only messages, a Gemini candidate without content), and
// what a mock, a health route or another endpoint answers does not.
func TestCanaryAnswers(t *testing.T) {
	data, err := os.ReadFile("testdata/answers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []answerCase
	if err := yaml.UnmarshalWithOptions(data, &cases, yaml.Strict()); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, ac := range cases {
		t.Run(ac.Name, func(t *testing.T) {
			if seen[ac.Name] {
				t.Fatal("two cases have this name")
			}
			seen[ac.Name] = true
			if err := ac.check(); err != nil {
				t.Fatal(err)
			}
			s := For(chain.HopType(ac.Hop))
			base := ac.Base
			if base == "" {
				base = s.BaseURL
			}
			a := s.Canary(RequestInput{Base: base, Model: "m"}).Answer
			h := http.Header{}
			if ac.ContentType != "" {
				h.Set("Content-Type", ac.ContentType)
			}
			text, err := a.Read([]byte(ac.Body), h)
			switch {
			case ac.Want.OK && err != nil:
				t.Fatalf("%s: not taken for %s: %v", ac.Hop, a, err)
			case !ac.Want.OK && err == nil:
				t.Fatalf("%s: taken for %s", ac.Hop, a)
			case !ac.Want.OK && !strings.Contains(err.Error(), ac.Want.Error):
				t.Errorf("reason %q does not say %q", err, ac.Want.Error)
			case ac.Want.Text != nil && text != *ac.Want.Text:
				t.Errorf("text %q, want %q", text, *ac.Want.Text)
			}
		})
	}
}

// Every hop type hopcheck sends an inference canary to knows what its
// successful answer looks like; key checks and public calls take any 2xx.
func TestEveryCanaryKnowsItsAnswer(t *testing.T) {
	for _, s := range All() {
		if s.Role == Relay {
			continue
		}
		in := RequestInput{Base: s.BaseURL, Model: "m"}
		if in.Base == "" {
			in.Base = "https://example.test/v1"
		}
		if a := s.Canary(in).Answer; a == AnswerAny {
			t.Errorf("%s: the canary accepts any 2xx", s.Type)
		}
		if a := s.KeyCheckCall(in).Answer; a != AnswerAny {
			t.Errorf("%s: the key check expects %s", s.Type, a)
		}
	}
}

// A reason never quotes the body: an upstream may echo a credential in a
// key name or value, and the reason reaches every report.
func TestAnswerReasonsQuoteNothing(t *testing.T) {
	const secretish = "sk-or-v1-0123456789abcdef0123456789abcdef"
	for _, body := range []string{
		`{"` + secretish + `":1}`,
		`{"type":"` + secretish + `"}`,
		`{"promptFeedback":{"blockReason":"` + secretish + `"}}`,
		secretish,
		`{"choices":[{"message":{"role":"` + secretish + `"},"finish_reason":"` + secretish + `"}]}`,
	} {
		for _, a := range []Answer{AnswerOpenAIChat, AnswerAnthropicMessage, AnswerGeminiContent, AnswerCohereChat, AnswerBedrockConverse, AnswerOllamaChat} {
			_, err := a.Read([]byte(body), nil)
			if err == nil {
				t.Fatalf("%s took %s", a, body)
			}
			if strings.Contains(err.Error(), "0123456789") {
				t.Errorf("%s quotes the body: %v", a, err)
			}
		}
	}
}
