package report

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

func ms64(v float64) *float64 { return &v }

// fixtures are hand-made reports, one per golden file set.
var fixtures = []struct {
	name string
	r    func() *finding.Report
}{
	{"pass", passReport},
	{"fail", failReport},
	{"neutral", neutralReport},
	{"hostile", hostileReport},
	{"runway", runwayReport},
}

// passReport: one healthy chain through a LiteLLM proxy.
func passReport() *finding.Report {
	return &finding.Report{
		Schema:     finding.SchemaID,
		Version:    "v0.0.0-test",
		Status:     finding.Pass,
		Config:     ".github/hopcheck.yml",
		DurationMS: 48.2,
		Chains: []finding.ChainResult{{
			Name:   "review-bot",
			Model:  "anthropic/claude-sonnet-4.5",
			Status: finding.Pass,
			Cause:  finding.OK,
			Hops: []finding.HopResult{
				{Name: "litellm", Type: "litellm", URL: "http://127.0.0.1:4000", Status: finding.Pass, Cause: finding.OK,
					Timings:    &finding.Timings{Connect: ms64(0.3), TTFB: ms64(12), Total: ms64(12.9)},
					Credential: &finding.Credential{Env: "LITELLM_KEY", Fingerprint: "sk-12…ef", Set: true},
					File:       ".github/hopcheck.yml", Line: 6, Col: 9},
				{Name: "openrouter", Type: "openrouter", URL: "https://openrouter.ai/api/v1", Status: finding.Pass, Cause: finding.OK,
					Timings:    &finding.Timings{DNS: ms64(1.24), Connect: ms64(8.4), TLS: ms64(21.7), TTFB: ms64(35.3), Total: ms64(36.05)},
					Credential: &finding.Credential{Env: "OPENROUTER_API_KEY", Fingerprint: "sk-or-v1-0e…96", Set: true},
					File:       ".github/hopcheck.yml", Line: 10, Col: 9},
			},
			Links: []finding.LinkResult{
				{From: "ci", To: "litellm", Status: finding.Pass, Cause: finding.OK},
				{From: "litellm", To: "openrouter", Status: finding.Pass, Cause: finding.OK},
			},
			File: ".github/hopcheck.yml", Line: 3,
		}},
	}
}

// failReport: the seed failure. The proxy lost its upstream key: OpenRouter
// accepts CI's key alone, the canary through LiteLLM comes back with
// OpenRouter's "no credentials" body wrapped by LiteLLM (a relayed cause),
// so the link litellm → openrouter is blamed. A second chain passes. The
// litellm hop is on an IP literal over plain http: no DNS, no TLS phase.
func failReport() *finding.Report {
	toOR := chain.Link{From: "litellm", To: "openrouter"}
	return &finding.Report{
		Schema:     finding.SchemaID,
		Version:    "v0.0.0-test",
		Status:     finding.Fail,
		Config:     ".github/hopcheck.yml",
		DurationMS: 123.4,
		Chains: []finding.ChainResult{
			{
				Name:        "review-bot",
				Model:       "anthropic/claude-sonnet-4.5",
				Status:      finding.Fail,
				Cause:       finding.HeaderMissing,
				FailingLink: &toOR,
				Hops: []finding.HopResult{
					{Name: "litellm", Type: "litellm", URL: "http://127.0.0.1:4000", Status: finding.Pass, Cause: finding.OK,
						Timings:    &finding.Timings{Connect: ms64(0.3), TTFB: ms64(12), Total: ms64(12.9)},
						Credential: &finding.Credential{Env: "LITELLM_KEY", Fingerprint: "sk-12…ef", Set: true},
						File:       ".github/hopcheck.yml", Line: 6, Col: 9},
					{Name: "openrouter", Type: "openrouter", URL: "https://openrouter.ai/api/v1", Status: finding.Pass, Cause: finding.OK,
						Timings:    &finding.Timings{DNS: ms64(1.24), Connect: ms64(8.4), TLS: ms64(21.7), TTFB: ms64(95.3), Total: ms64(96.000000001)},
						Credential: &finding.Credential{Env: "OPENROUTER_API_KEY", Fingerprint: "sk-or-v1-0e…96", Set: true},
						File:       ".github/hopcheck.yml", Line: 10, Col: 9},
				},
				Links: []finding.LinkResult{
					{From: "ci", To: "litellm", Status: finding.Pass, Cause: finding.OK},
					{From: "litellm", To: "openrouter", Status: finding.Fail, Cause: finding.HeaderMissing},
				},
				Findings: []finding.Finding{
					{Check: "live/key", Hop: "openrouter", Cause: finding.OK, Severity: finding.SevInfo,
						Message: "openrouter accepts OPENROUTER_API_KEY (sk-or-v1-0e…96); 4.21 credits left"},
					{Check: "live/key", Hop: "openrouter", Cause: finding.KeyExpiring, Severity: finding.SevWarning,
						Message: "OPENROUTER_API_KEY (sk-or-v1-0e…96) expires in 3 days"},
					{Check: "live/canary", Hop: "litellm", Link: &toOR, Cause: finding.HeaderMissing, Severity: finding.SevError,
						Message: `litellm relayed OpenRouter's "No auth credentials found" (OpenrouterException) although openrouter accepts CI's key: litellm sent no key upstream`,
						Fix:     "Set OPENROUTER_API_KEY in the environment of the litellm proxy (its model_list uses os.environ/OPENROUTER_API_KEY) and restart it.",
						File:    "litellm/config.yaml", Line: 6, Col: 17,
						Timings: &finding.Timings{Connect: ms64(0.3), TTFB: ms64(110.2), Total: ms64(110.9)},
						Evidence: &finding.Evidence{Method: "POST", URL: "http://127.0.0.1:4000/v1/chat/completions", Status: 401,
							Excerpt: `{"error":{"message":"litellm.AuthenticationError: OpenrouterException - {\"error\":{\"message\":\"No auth credentials found\",\"code\":401}}","type":"auth_error","code":"401"}}`},
						Root: true},
				},
				File: ".github/hopcheck.yml", Line: 3,
			},
			{
				Name:   "summarizer",
				Model:  "openai/gpt-4o-mini",
				Status: finding.Pass,
				Cause:  finding.OK,
				Hops: []finding.HopResult{
					{Name: "openrouter", Type: "openrouter", URL: "https://openrouter.ai/api/v1", Status: finding.Pass, Cause: finding.OK,
						Timings:    &finding.Timings{DNS: ms64(0.9), Connect: ms64(7.9), TLS: ms64(20.1), TTFB: ms64(88), Total: ms64(88.6)},
						Credential: &finding.Credential{Env: "OPENROUTER_API_KEY", Fingerprint: "sk-or-v1-0e…96", Set: true},
						File:       ".github/hopcheck.yml", Line: 17, Col: 9},
				},
				Links: []finding.LinkResult{{From: "ci", To: "openrouter", Status: finding.Pass, Cause: finding.OK}},
				File:  ".github/hopcheck.yml", Line: 14,
				// Findings left nil on purpose: JSON must still say [].
			},
		},
	}
}

// neutralReport: a pull request from a fork, no secrets, nothing decided.
func neutralReport() *finding.Report {
	return &finding.Report{
		Schema:     finding.SchemaID,
		Version:    "v0.0.0-test",
		Status:     finding.Neutral,
		Config:     ".github/hopcheck.yml",
		DurationMS: 0.6,
		Findings: []finding.Finding{{
			Check: "env/secrets", Cause: finding.SecretsUnavailable, Severity: finding.SevNotice,
			Message: "pull request from a fork: GitHub passes no secrets, so live checks were skipped",
		}},
		Chains: []finding.ChainResult{{
			Name:   "review-bot",
			Model:  "anthropic/claude-sonnet-4.5",
			Status: finding.Neutral,
			Cause:  finding.SecretsUnavailable,
			Hops: []finding.HopResult{
				{Name: "litellm", Type: "litellm", URL: "http://127.0.0.1:4000", Status: finding.Skipped, Cause: finding.SecretsUnavailable,
					Credential: &finding.Credential{Env: "LITELLM_KEY", Set: false}},
				{Name: "openrouter", Type: "openrouter", URL: "https://openrouter.ai/api/v1", Status: finding.Skipped, Cause: finding.SecretsUnavailable},
			},
			Links: []finding.LinkResult{
				{From: "ci", To: "litellm", Status: finding.Skipped, Cause: finding.SecretsUnavailable},
				{From: "litellm", To: "openrouter", Status: finding.Skipped, Cause: finding.SecretsUnavailable},
			},
		}},
	}
}

// Hostile provider text: ANSI colours and screen clearing, an OSC window
// title, CR/LF followed by workflow commands (current and legacy form),
// a bidi override and an 8-bit CSI.
const (
	hostileMessage  = "\r\n::error file=.github/workflows/ci.yml,line=1::pwned\r\n\x1b[31mRED\x1b[0m upstream \x1b]0;owned-title\x07said\t\u202Eexe.txt\u202C \u009b2Jbye\n##[error]legacy"
	hostileExcerpt  = "{\"error\":\"::add-mask::x\"}\r\n::stop-commands::tok\n\x1b[2J\x1b[H\x1b]8;;http://127.0.0.1/\x1b\\link\x1b]8;;\x1b\\ \x00\x07\x7f end"
	hostileRedirect = "http://127.0.0.1:9/\r\n::warning::moved"
)

// hostileReport: a provider whose error text tries to take over the
// terminal and the CI log.
func hostileReport() *finding.Report {
	return &finding.Report{
		Schema:     finding.SchemaID,
		Version:    "v0.0.0-test",
		Status:     finding.Fail,
		DurationMS: 7.25,
		Chains: []finding.ChainResult{{
			Name:       "hostile",
			Model:      "evil/model",
			Status:     finding.Fail,
			Cause:      finding.UpstreamError,
			FailingHop: "evil",
			Hops: []finding.HopResult{
				{Name: "evil", Type: "openai-compatible", URL: "http://127.0.0.1:9/v1", Status: finding.Fail, Cause: finding.UpstreamError,
					Timings:    &finding.Timings{Connect: ms64(0.2), TTFB: ms64(3.1), Total: ms64(3.4)},
					Credential: &finding.Credential{Env: "EVIL_KEY", Fingerprint: "…(8 chars)", Set: true}},
			},
			Links: []finding.LinkResult{{From: "ci", To: "evil", Status: finding.Fail, Cause: finding.UpstreamError}},
			Findings: []finding.Finding{{
				Check: "live/canary", Hop: "evil", Cause: finding.UpstreamError, Severity: finding.SevError,
				Message:  hostileMessage,
				Evidence: &finding.Evidence{Method: "POST", URL: "http://127.0.0.1:9/v1/chat/completions", Status: 502, Excerpt: hostileExcerpt, Redirect: hostileRedirect},
				Root:     true,
			}},
		}},
	}
}

// runwayReport: what key checks said about credit. An OpenRouter key runs
// out in 4.5 days at the recent rate (credits-low), another's monthly
// limit resets first, a DeepSeek account reports only its balance.
func runwayReport() *finding.Report {
	toOR := chain.Link{From: "ci", To: "openrouter"}
	return &finding.Report{
		Schema:     finding.SchemaID,
		Version:    "v0.0.0-test",
		Status:     finding.Pass,
		Config:     ".github/hopcheck.yml",
		DurationMS: 41.5,
		Chains: []finding.ChainResult{
			{
				Name: "review-bot", Model: "anthropic/claude-sonnet-4.5", Status: finding.Pass, Cause: finding.OK,
				Hops: []finding.HopResult{
					{Name: "openrouter", Type: "openrouter", URL: "https://openrouter.ai/api/v1", Status: finding.Pass, Cause: finding.OK,
						Timings:    &finding.Timings{DNS: ms64(1.2), Connect: ms64(8.4), TLS: ms64(21.7), TTFB: ms64(35.3), Total: ms64(36)},
						Credential: &finding.Credential{Env: "OPENROUTER_API_KEY", Fingerprint: "sk-or-v1-0e…96", Set: true},
						Credits: &finding.Credits{Kind: finding.KindKey, Currency: "USD", Limit: ms64(50), Remaining: ms64(9),
							Window: finding.WindowDaily, WindowUsage: ms64(1.5), RatePerDay: ms64(2), RunwayDays: ms64(4.5), Estimate: finding.EstimateRunway},
						File: ".github/hopcheck.yml", Line: 6, Col: 9},
				},
				Links: []finding.LinkResult{{From: "ci", To: "openrouter", Status: finding.Pass, Cause: finding.OK}},
				Findings: []finding.Finding{{Check: "live.key", Hop: "openrouter", Link: &toOR, Cause: finding.CreditsLow, Severity: finding.SevWarning,
					Message: "The key in OPENROUTER_API_KEY (sk-or-v1-0e…96) runs out of credit in about 4.5 days at the recent rate (the warning threshold is 7 days): 9.00 USD of its 50.00 USD limit left, spending 2.00 USD/day (1.50 USD spent today since 00:00 UTC, the daily window).",
					Fix:     "Raise the key's limit at https://openrouter.ai/settings/keys (or set it to reset), or add credits at https://openrouter.ai/settings/credits, before it runs out."}},
				File: ".github/hopcheck.yml", Line: 3,
			},
			{
				Name: "nightly", Model: "deepseek-chat", Status: finding.Pass, Cause: finding.OK,
				Hops: []finding.HopResult{
					{Name: "openrouter-nightly", Type: "openrouter", URL: "https://openrouter.ai/api/v1", Status: finding.Pass, Cause: finding.OK,
						Credential: &finding.Credential{Env: "OPENROUTER_NIGHTLY_KEY", Fingerprint: "sk-or-v1-7a…01", Set: true},
						Credits: &finding.Credits{Kind: finding.KindKey, Currency: "USD", Limit: ms64(13), Remaining: ms64(9),
							Window: finding.WindowWeekly, WindowUsage: ms64(1.1), RatePerDay: ms64(0.4), Reset: "monthly", ResetsAt: "2025-04-01T00:00:00Z",
							Estimate: finding.EstimateResetsFirst},
						File: ".github/hopcheck.yml", Line: 14, Col: 9},
					{Name: "deepseek", Type: "deepseek", URL: "https://api.deepseek.com", Status: finding.Pass, Cause: finding.OK,
						Credential: &finding.Credential{Env: "DEEPSEEK_API_KEY", Fingerprint: "sk-0f…00", Set: true},
						Credits:    &finding.Credits{Kind: finding.KindAccount, Currency: "CNY", Remaining: ms64(12.5), Estimate: finding.EstimateNoRate},
						File:       ".github/hopcheck.yml", Line: 18, Col: 9},
				},
				Links: []finding.LinkResult{
					{From: "ci", To: "openrouter-nightly", Status: finding.Pass, Cause: finding.OK},
					{From: "ci", To: "deepseek", Status: finding.Pass, Cause: finding.OK},
				},
				Findings: []finding.Finding{},
				File:     ".github/hopcheck.yml", Line: 11,
			},
		},
	}
}
