package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// Answer is the wire format of a call's successful answer: a 2xx to the
// inference canary proves a working model only when its body is a
// completion in the format the call speaks. `{}`, `null`, an empty
// choices list, a plain-text "OK" or the answer of another endpoint (a key
// or model list) from a mock, a health route or whatever else listens at
// the hop's URL is not one. Each canary builder sets the answer of the API
// it calls (the OpenAI chat completion, an Anthropic message, Gemini's
// candidates, …); a canary of another kind (embeddings) plugs in the same
// way, with an Answer of its own.
type Answer uint8

const (
	// AnswerAny: any 2xx will do (key checks, public calls).
	AnswerAny Answer = iota
	// AnswerOpenAIChat: an OpenAI chat completion
	// (https://platform.openai.com/docs/api-reference/chat/object).
	AnswerOpenAIChat
	// AnswerAnthropicMessage: an Anthropic message
	// (https://docs.anthropic.com/en/api/messages).
	AnswerAnthropicMessage
	// AnswerGeminiContent: a Gemini GenerateContentResponse
	// (https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse).
	AnswerGeminiContent
	// AnswerCohereChat: a Cohere v2 chat response
	// (https://docs.cohere.com/reference/chat).
	AnswerCohereChat
	// AnswerBedrockConverse: a Bedrock Converse response
	// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html).
	AnswerBedrockConverse
	// AnswerOllamaChat: an Ollama /api/chat response
	// (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion).
	AnswerOllamaChat
	// AnswerEmbedding: an embeddings answer that carries a vector, in any
	// of the shapes HasEmbedding knows (OpenAI's data[].embedding,
	// Gemini's embedding.values, Cohere's and Ollama's embeddings, …).
	AnswerEmbedding
)

// String names the answer for messages ("an OpenAI chat completion").
func (a Answer) String() string {
	switch a {
	case AnswerOpenAIChat:
		return "an OpenAI chat completion (choices[].message)"
	case AnswerAnthropicMessage:
		return "an Anthropic message (type message, content[])"
	case AnswerGeminiContent:
		return "a Gemini answer (candidates[])"
	case AnswerCohereChat:
		return "a Cohere chat answer (message)"
	case AnswerBedrockConverse:
		return "a Bedrock Converse answer (output.message)"
	case AnswerOllamaChat:
		return "an Ollama chat answer (message)"
	case AnswerEmbedding:
		return "an embedding vector (data[0].embedding or the provider's equivalent)"
	}
	return "any answer"
}

// answerFor is the answer of a chat canary in wire format s, for builders
// that leave it unset.
func answerFor(s Shape) Answer {
	switch s {
	case ShapeAnthropic:
		return AnswerAnthropicMessage
	case ShapeGemini:
		return AnswerGeminiContent
	case ShapeCohere:
		return AnswerCohereChat
	case ShapeBedrock:
		return AnswerBedrockConverse
	case ShapeOllama:
		return AnswerOllamaChat
	}
	return AnswerOpenAIChat
}

// Read checks that body (a 2xx answer with header h) is a in its wire
// format and returns the answer's text ("" when it has none: a reasoning
// model whose token budget ran out, a tool call). The error says what the
// body is instead, in words fit for a finding; it quotes no part of the
// body (it comes from outside and may echo a credential). A stream (server-sent events) passes
// when one of its events is a chunk of a. AnswerAny accepts everything.
//
// The rules accept every shape a working model answers with, not just the
// happy path: an empty or null content with finish_reason "length" (the
// budget went to reasoning), a tool call, a refusal, reasoning text, a
// Gemini candidate without content (finishReason MAX_TOKENS), an empty
// Anthropic content list.
func (a Answer) Read(body []byte, h http.Header) (string, error) {
	if a == AnswerAny {
		return "", nil
	}
	body = bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	ct := ""
	if h != nil {
		ct, _, _ = mime.ParseMediaType(h.Get("Content-Type"))
	}
	if ct == "text/event-stream" || isEventStream(body) {
		return a.readStream(body)
	}
	if len(body) == 0 {
		return "", fmt.Errorf("the body is empty")
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		if ct == "" {
			ct = "no content type"
		}
		return "", fmt.Errorf("the body is not JSON (%s, %d bytes)", ct, len(body))
	}
	m, ok := v.(map[string]any)
	if !ok {
		return "", fmt.Errorf("the body is %s, not a JSON object", jsonKind(v))
	}
	if len(m) == 0 {
		return "", fmt.Errorf("the body is an empty JSON object")
	}
	return a.read(m, false)
}

// read checks one JSON object: a whole answer, or one event of a stream.
func (a Answer) read(m map[string]any, chunk bool) (string, error) {
	switch a {
	case AnswerOpenAIChat:
		return readOpenAIChat(m, chunk)
	case AnswerAnthropicMessage:
		return readAnthropic(m, chunk)
	case AnswerGeminiContent:
		return readGemini(m)
	case AnswerCohereChat:
		return readCohere(m, chunk)
	case AnswerBedrockConverse:
		return readBedrock(m)
	case AnswerOllamaChat:
		return readOllama(m)
	case AnswerEmbedding:
		if !hasEmbedding(m) {
			return "", fmt.Errorf("the answer carries no embedding vector (no data[0].embedding or the provider's equivalent)")
		}
	}
	return "", nil
}

// readOpenAIChat: choices[0] carries a message (a delta in a stream chunk)
// with content (a string, possibly empty, or a list of parts), tool calls,
// a refusal or reasoning — or the token budget ran out (finish_reason
// "length") before any of them, which is a working model too. A choice
// that finished with "error" is a failure.
func readOpenAIChat(m map[string]any, chunk bool) (string, error) {
	raw, present := m["choices"]
	choices, _ := raw.([]any)
	switch {
	case !present:
		return "", fmt.Errorf("the body has no choices")
	case len(choices) == 0:
		return "", fmt.Errorf("the body's choices list is empty")
	}
	c, _ := choices[0].(map[string]any)
	if c == nil {
		return "", fmt.Errorf("choices[0] is not an object")
	}
	msg, _ := c["message"].(map[string]any)
	if msg == nil {
		msg, _ = c["delta"].(map[string]any)
	}
	if msg == nil {
		return "", fmt.Errorf("choices[0] has no message")
	}
	finish, _ := c["finish_reason"].(string)
	if finish == "error" {
		return "", fmt.Errorf("choices[0] finished with finish_reason \"error\"")
	}
	switch x := msg["content"].(type) {
	case string:
		return x, nil
	case []any:
		return partsText(x), nil
	}
	for _, k := range []string{"refusal", "reasoning", "reasoning_content"} {
		if s, _ := msg[k].(string); strings.TrimSpace(s) != "" {
			return "", nil
		}
	}
	for _, k := range []string{"tool_calls", "reasoning_details"} {
		if l, _ := msg[k].([]any); len(l) > 0 {
			return "", nil
		}
	}
	for _, k := range []string{"function_call", "audio"} {
		if o, _ := msg[k].(map[string]any); len(o) > 0 {
			return "", nil
		}
	}
	if finish == "length" || chunk {
		// The budget ran out before visible output (a reasoning model);
		// a stream's first chunk carries only the role.
		return "", nil
	}
	switch finish {
	case "":
		finish = "none"
	case "stop", "tool_calls", "content_filter", "function_call":
		finish = fmt.Sprintf("%q", finish)
	default:
		finish = "of another value" // outside text: never quoted
	}
	return "", fmt.Errorf("choices[0].message has no content, tool call, refusal or reasoning (finish_reason %s)", finish)
}

// readAnthropic: type "message" with a content list (empty when the
// token budget went to thinking); in a stream, message_start or a
// content block event.
func readAnthropic(m map[string]any, chunk bool) (string, error) {
	t, _ := m["type"].(string)
	if chunk {
		switch t {
		case "message_start", "content_block_start", "content_block_delta", "message_delta":
			return "", nil
		}
		return "", fmt.Errorf("no message_start or content block event")
	}
	switch {
	case t == "":
		return "", fmt.Errorf("the body has no type \"message\"")
	case t != "message":
		return "", fmt.Errorf("the body's type is not \"message\"")
	}
	content, ok := m["content"].([]any)
	if !ok {
		return "", fmt.Errorf("the body's content is not a list")
	}
	return partsText(content), nil
}

// readGemini: candidates[0] has content or a finishReason (a candidate
// without content is what a thinking model answers when maxOutputTokens
// ran out: finishReason MAX_TOKENS).
func readGemini(m map[string]any) (string, error) {
	cands, _ := m["candidates"].([]any)
	if len(cands) == 0 {
		if r, _ := mustPath(m, "promptFeedback", "blockReason").(string); r != "" {
			return "", fmt.Errorf("the body has no candidates: the prompt was blocked (promptFeedback.blockReason)")
		}
		return "", fmt.Errorf("the body has no candidates")
	}
	c, _ := cands[0].(map[string]any)
	if c == nil {
		return "", fmt.Errorf("candidates[0] is not an object")
	}
	content, hasContent := c["content"].(map[string]any)
	if _, done := c["finishReason"].(string); !hasContent && !done {
		return "", fmt.Errorf("candidates[0] has neither content nor a finishReason")
	}
	parts, _ := content["parts"].([]any)
	return partsText(parts), nil
}

// readCohere: a v2 chat answer's message with content, tool calls or a
// tool plan, or a finish_reason; in a stream, message-start or a
// content event.
func readCohere(m map[string]any, chunk bool) (string, error) {
	if chunk {
		switch t, _ := m["type"].(string); t {
		case "message-start", "content-start", "content-delta":
			return "", nil
		}
		return "", fmt.Errorf("no message-start or content event")
	}
	msg, _ := m["message"].(map[string]any)
	if msg == nil {
		return "", fmt.Errorf("the body has no message")
	}
	content, isList := msg["content"].([]any)
	_, tools := msg["tool_calls"].([]any)
	_, plan := msg["tool_plan"].(string)
	_, finished := m["finish_reason"].(string)
	if !isList && !tools && !plan && !finished {
		return "", fmt.Errorf("the body's message has no content, tool call or finish_reason")
	}
	return partsText(content), nil
}

// readBedrock: Converse's output.message with a content list.
func readBedrock(m map[string]any) (string, error) {
	msg, _ := mustPath(m, "output", "message").(map[string]any)
	if msg == nil {
		return "", fmt.Errorf("the body has no output.message")
	}
	content, ok := msg["content"].([]any)
	if !ok {
		return "", fmt.Errorf("the body's output.message has no content list")
	}
	return partsText(content), nil
}

// readOllama: /api/chat's message with content (possibly empty), thinking
// or tool calls.
func readOllama(m map[string]any) (string, error) {
	msg, _ := m["message"].(map[string]any)
	if msg == nil {
		return "", fmt.Errorf("the body has no message")
	}
	if s, ok := msg["content"].(string); ok {
		return s, nil
	}
	if _, ok := msg["thinking"].(string); ok {
		return "", nil
	}
	if l, _ := msg["tool_calls"].([]any); len(l) > 0 {
		return "", nil
	}
	return "", fmt.Errorf("the body's message has no content")
}

// readStream checks a server-sent event stream: one event must be a chunk
// of a.
func (a Answer) readStream(body []byte) (string, error) {
	events := 0
	for _, line := range strings.Split(string(body), "\n") {
		d, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), "data:")
		d = strings.TrimSpace(d)
		if !ok || d == "" || d == "[DONE]" {
			continue
		}
		events++
		var m map[string]any
		if json.Unmarshal([]byte(d), &m) != nil || m == nil {
			continue
		}
		if text, err := a.read(m, true); err == nil {
			return text, nil
		}
	}
	if events == 0 {
		return "", fmt.Errorf("the event stream carries no data event")
	}
	return "", fmt.Errorf("none of the %d events of the stream is part of %s", events, a)
}

// isEventStream reports whether body starts like server-sent events.
func isEventStream(body []byte) bool {
	for _, line := range bytes.SplitN(body, []byte("\n"), 16) {
		line = bytes.TrimSpace(line)
		switch {
		case len(line) == 0, line[0] == ':':
			continue
		case bytes.HasPrefix(line, []byte("data:")), bytes.HasPrefix(line, []byte("event:")):
			return true
		}
		return false
	}
	return false
}

// partsText joins the text of content parts ({"type":"text","text":…},
// {"text":…}) or plain strings.
func partsText(parts []any) string {
	var b strings.Builder
	for _, p := range parts {
		switch x := p.(type) {
		case string:
			b.WriteString(x)
		case map[string]any:
			if s, ok := x["text"].(string); ok {
				b.WriteString(s)
			}
		}
	}
	return b.String()
}

func mustPath(m map[string]any, keys ...string) any {
	var cur any = m
	for _, k := range keys {
		o, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = o[k]
	}
	return cur
}

func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "JSON null"
	case []any:
		if len(x) == 0 {
			return "an empty JSON list"
		}
		return "a JSON list"
	case string:
		return "a JSON string"
	case bool:
		return "a JSON boolean"
	case float64:
		return "a JSON number"
	}
	return "JSON"
}
