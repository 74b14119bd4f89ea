package provider

import (
	"maps"
	"net/url"
	"strings"
)

// CanaryPrompt and CanaryMaxTokens keep the inference canary tiny: the
// limit stays above the minimum some reasoning models accept.
const (
	CanaryPrompt    = "Reply with OK."
	CanaryMaxTokens = 16
)

func (in RequestInput) maxTokens() int {
	if in.MaxTokens > 0 {
		return in.MaxTokens
	}
	return CanaryMaxTokens
}

func messages(in RequestInput) []map[string]string {
	p := in.Prompt
	if p == "" {
		p = CanaryPrompt
	}
	return []map[string]string{{"role": "user", "content": p}}
}

// chatCanary is an OpenAI chat completion with model at path.
func chatCanary(path, model string, in RequestInput) Call {
	return Call{Method: "POST", Path: path, Answer: AnswerOpenAIChat,
		Body: map[string]any{"model": model, "max_tokens": in.maxTokens(), "messages": messages(in), "stream": false}}
}

// anthropicMessage is an Anthropic Messages API call with model at
// /v1/messages (https://docs.anthropic.com/en/api/messages).
func anthropicMessage(in RequestInput) Call {
	return Call{Method: "POST", Path: "/v1/messages", Answer: AnswerAnthropicMessage,
		Body: map[string]any{"model": in.Model, "max_tokens": in.maxTokens(), "messages": messages(in)}}
}

// embeddingCanary is an OpenAI embeddings call with model at path.
func embeddingCanary(path, model string) Call {
	return Call{Method: "POST", Path: path, Body: map[string]any{"model": model, "input": CanaryPrompt}}
}

// Canary returns the spec's inference canary for in: its own builder, or
// an OpenAI chat completion at /chat/completions. Its Answer is the
// builder's, else the one of the spec's wire format.
func (s *Spec) Canary(in RequestInput) Call {
	c := chatCanary("/chat/completions", in.Model, in)
	if s.BuildCanary != nil {
		c = s.BuildCanary(in)
	}
	if c.Answer == AnswerAny {
		c.Answer = answerFor(s.Shape)
	}
	return s.adjust(in, c)
}

// Embedding returns the spec's canary for an embedding model.
func (s *Spec) Embedding(in RequestInput) Call {
	c := embeddingCanary("/embeddings", in.Model)
	if s.BuildEmbedding != nil {
		c = s.BuildEmbedding(in)
	}
	if c.Answer == AnswerAny {
		c.Answer = AnswerEmbedding
	}
	return s.adjust(in, c)
}

// KeyCheckCall returns the key check for in (zero when the API has none).
func (s *Spec) KeyCheckCall(in RequestInput) Call {
	if s.KeyCheck.Zero() {
		return Call{}
	}
	return s.adjust(in, clone(s.KeyCheck))
}

// PublicCall returns the unauthenticated reachability call (zero when none).
func (s *Spec) PublicCall(in RequestInput) Call {
	if s.Public.Zero() {
		return Call{}
	}
	return s.adjust(in, clone(s.Public))
}

func (s *Spec) adjust(in RequestInput, c Call) Call {
	if c.Method == "" {
		c.Method = "GET"
	}
	if s.Adjust != nil {
		s.Adjust(in, &c)
	}
	return c
}

// clone copies c's maps so an Adjust never writes into the spec.
func clone(c Call) Call {
	if c.Query != nil {
		c.Query = maps.Clone(c.Query)
	}
	if c.Header != nil {
		c.Header = c.Header.Clone()
	}
	return c
}

// URL returns the absolute URL of c on a hop at base (on c.Host instead of
// the hop's host when the call names one).
func (s *Spec) URL(base string, c Call) string {
	root := s.Root(base)
	if c.Host != "" {
		if r, err := url.Parse(root); err == nil && r.Host != "" {
			r.Host = c.Host
			root = r.String()
		}
	}
	u := root + c.Path
	if len(c.Query) > 0 {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + c.Query.Encode()
	}
	return u
}
