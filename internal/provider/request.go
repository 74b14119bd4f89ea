package provider

// CanaryPrompt and CanaryMaxTokens keep the inference canary tiny: the
// limit stays above the minimum some reasoning models accept.
const (
	CanaryPrompt    = "Reply with OK."
	CanaryMaxTokens = 16
)

func (in CanaryInput) maxTokens() int {
	if in.MaxTokens > 0 {
		return in.MaxTokens
	}
	return CanaryMaxTokens
}

func messages(in CanaryInput) []map[string]string {
	p := in.Prompt
	if p == "" {
		p = CanaryPrompt
	}
	return []map[string]string{{"role": "user", "content": p}}
}

// chatCanary is an OpenAI chat completion with model at path.
func chatCanary(path, model string, in CanaryInput) Canary {
	return Canary{Call: Call{Method: "POST", Path: path},
		Body: map[string]any{"model": model, "max_tokens": in.maxTokens(), "messages": messages(in), "stream": false}}
}

// Canary returns the spec's inference canary: its own builder, or an OpenAI
// chat completion at /chat/completions.
func (s *Spec) Canary(in CanaryInput) Canary {
	if s.BuildCanary != nil {
		return s.BuildCanary(in)
	}
	return chatCanary("/chat/completions", in.Model, in)
}
