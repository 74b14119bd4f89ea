package provider

import "testing"

// One placeholder rule and one secret-likeness rule serve every source.
func TestPlaceholdersAndSecretLikeness(t *testing.T) {
	for v, want := range map[string]bool{
		"changeme": true, "<my-openai-key>": true, "${OPENAI_API_KEY}": true, "sk-...": true, "sk-or-...": true,
		"gsk-...": true, "sk-ant-…": true, "YOUR_TELEGRAM_BOT_TOKEN": true, "your-azure-api-key": true, "xoxb-REPLACE_ME": true,
		"GEMINI_KEY_HERE": true, "ZHIPU_API_KEY_PLACEHOLDER": true, "placeholder-openai-key": true, "<SET_GATEWAY_TOKEN>": true, "sk-CHANGE-ME-master-key": false, "sk-1234": true, "xxxxxx": true, "sk-xxxx": true,
		"sk-or-v1-" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef": false, "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q": false,
	} {
		if got := IsPlaceholder(v); got != want {
			t.Errorf("IsPlaceholder(%q) = %v, want %v", v, got, want)
		}
	}
	for v, want := range map[string]bool{
		"sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef": true,
		"sk-proj-Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8":                                          true, "a8f5f167f44f4964e6c998dee827110c": true,
		"sk-1234": false, "sk-super-secret-key": false, "my-fake-api-key-here": false, "OLLAMA_API_KEY": false,
		"ollama": false, "lm-studio": false, "EMPTY": false, "dummy": false, "<key>": false, "short-token-9": false,
		"two words here and there": false,
	} {
		if got := SecretLike(v); got != want {
			t.Errorf("SecretLike(%q) = %v, want %v", v, got, want)
		}
	}
	for name, want := range map[string]bool{"OPENAI_API_KEY": true, "GATEWAY_TOKEN": true, "db_password": true, "LOG_LEVEL": false, "MODEL": false} {
		if got := NamesCredential(name); got != want {
			t.Errorf("NamesCredential(%q) = %v, want %v", name, got, want)
		}
	}
}
