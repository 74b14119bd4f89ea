package yamlbound

import (
	"fmt"
	"unicode/utf8"

	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/token"
)

// Bounded YAML: every YAML file hopcheck reads (hopcheck.yml, LiteLLM
// configs) may be written by whoever opens a pull request, and
// goccy/go-yaml spends time or memory far out of proportion to the input on
// some shapes (measured on v1.19.2, each a few KiB to a few hundred KiB):
//
//   - its lexer keeps about 270 bytes per token, so 1 MiB of "[" is 1M
//     tokens and 270 MB before the parser starts;
//   - its lexer is quadratic on a run of '<' (it counts the whole run again
//     at every '<', looking for a "<<" merge key) and on the empty lines that
//     end a block scalar (it copies the scalar once per trailing line), and
//     allocates about 85 bytes per byte of a block scalar;
//   - its parser is quadratic in the nesting depth of flow ("[[[[") and
//     block ("- - - -") collections and in the number of keys of one block
//     mapping (64 KiB of "[" took 6.5 GB; 32,000 keys took 4 GB).
//
// Tokenize therefore refuses such input in two steps, each linear:
// before lexing, a scan of the bytes bounds the number of tokens the lexer
// can produce and the two lexer pathologies; after lexing, a walk over the
// lexer's own tokens measures depth, keys per mapping and anchors exactly as
// the parser will see them. The depth is measured on the tokens rather than
// on the bytes because only the lexer knows whether a '[' opens a flow
// sequence or sits inside a quoted or plain scalar, and a byte scan that
// guessed wrong either way would let a bomb through or refuse a good file.

// Limits bound the work the YAML parser may do on one file.
type Limits struct {
	// Tokens is the most YAML tokens (scalars, indicators, comments) a file
	// may have. The byte scan refuses a file that could produce more than
	// four times as many before the lexer runs.
	Tokens int
	// Depth is the deepest nesting of mappings and sequences, block and
	// flow together.
	Depth int
	// Keys is the most keys one block mapping may have.
	Keys int
	// Aliases is the most anchors and aliases together.
	Aliases int
}

// DefaultLimits are far above any real LiteLLM config (a few thousand
// tokens, nesting below 10) and keep any input of at most 1 MiB within a
// second and 100 MB (see BenchmarkYAMLAdversarial).
var DefaultLimits = Limits{Tokens: 50000, Depth: 64, Keys: 400, Aliases: 1000}

// Bounds of the byte scan that have no Limits field: they guard lexer
// pathologies no real file comes near.
const (
	// scanFactor: the scan refuses when its token bound exceeds
	// scanFactor × Tokens. The bound over-counts (it cannot tell a quoted
	// ',' from a flow one), so it gets this much slack.
	scanFactor = 4
	// maxLtRun is the longest run of '<' the lexer may see; it costs the
	// square of the run.
	maxLtRun = 64
	// maxBlankCost bounds the sum, over runs of empty lines, of the extra
	// lines times the offset the run ends at: the lexer copies a block
	// scalar (at most everything before the run) once per trailing empty
	// line. 4M keeps that copying under ~40 MB.
	maxBlankCost = 4 << 20
	// maxBlockBytes bounds the bytes of block scalars: the lexer allocates
	// about 85 bytes for each (an error value per byte, among others).
	maxBlockBytes = 512 << 10
)

// LimitError is YAML refused because parsing it would cost too much; Line
// and Col (1-based, Col in characters) point at where a limit was passed.
type LimitError struct {
	Line, Col int
	Msg       string
	Fix       string
}

func (e *LimitError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// Tokenize lexes data for parser.Parse, refusing it first when it
// could make the lexer or the parser exceed lim.
func Tokenize(data []byte, lim Limits) (token.Tokens, *LimitError) {
	if _, err := scanYAML(data, lim); err != nil {
		return nil, err
	}
	tokens := lexer.Tokenize(string(data))
	if err := checkTokens(tokens, lim); err != nil {
		return nil, err
	}
	return tokens, nil
}

// scanYAML is the byte scan run before the lexer. It computes an upper
// bound on the lexer's token count without knowing YAML's context: every
// lexer token but a plain or block scalar starts at one of the indicator
// bytes counted here (wherever they stand, even inside quotes or comments,
// so the bound cannot be fooled), and every plain or block scalar token ends
// at such a token, at a line break or at the end of the input. So tokens ≤
// 2 × indicators + line breaks + 1. The same pass bounds runs of '<', the
// cost of empty lines after a block scalar and the bytes of block scalars.
// It returns the token bound.
func scanYAML(data []byte, lim Limits) (int, *LimitError) {
	maxBound := scanFactor * lim.Tokens
	indicators, breaks := 0, 0
	lineStart := 0     // offset of the current line
	indent := 0        // blanks before the first other byte of the line
	lineBlank := true  // the current line holds only blanks so far
	directive := false // the current line starts with '%'
	header := false    // the current line holds what may be a block scalar header
	ltRun := 0
	blankRun, blankCost := 0, 0 // empty lines in a row; their cost so far
	// Block scalars: inBlock from a line with a header on, while lines are
	// empty or indented deeper than blockIndent, the header line's indent.
	// The lexer ends the scalar at a line indented no deeper than the key or
	// "-" that owns it, which stands at or after the header line's indent,
	// so every byte the lexer reads as block scalar content is counted.
	inBlock, blockIndent, blockBytes := false, 0, 0
	refuse := func(i int, msg, fix string) *LimitError {
		return &LimitError{Line: breaks + 1, Col: utf8.RuneCount(data[lineStart:i]) + 1, Msg: msg, Fix: fix}
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '<' {
			if ltRun++; ltRun > maxLtRun {
				return 0, refuse(i, fmt.Sprintf("more than %d '<' in a row; refusing to parse the file", maxLtRun),
					"quote the value or shorten the run")
			}
		} else {
			ltRun = 0
		}
		switch c {
		case '\n', '\r':
			if c == '\r' && i+1 < len(data) && data[i+1] == '\n' {
				continue // CRLF is one line break, counted at the LF
			}
			breaks++
			if lineBlank {
				blankRun++
				if blankRun > 1 {
					blankCost += i
					if blankCost > maxBlankCost {
						return 0, refuse(i, "too many empty lines in a row for a file this size; refusing to parse the file",
							"remove the runs of empty lines")
					}
				}
			} else {
				blankRun = 0
			}
			if inBlock && (lineBlank || indent > blockIndent) {
				if blockBytes += i + 1 - lineStart; blockBytes > maxBlockBytes {
					return 0, refuse(i, fmt.Sprintf("block scalars (| or >) hold more than %d KiB; refusing to parse the file", maxBlockBytes>>10),
						"keep long texts out of the configuration")
				}
			} else {
				inBlock = false
				if header {
					inBlock, blockIndent = true, indent
				}
			}
			lineStart, indent, lineBlank, directive, header = i+1, 0, true, false, false
			continue
		case ' ', '\t':
			if lineBlank {
				indent++
				if c == '\t' {
					indicators++ // the lexer makes an invalid token of every tab that indents
				}
			}
			if directive {
				indicators++ // the lexer cuts a directive at every blank
			}
		case '-', '?':
			// A sequence entry or explicit key only when followed by a
			// blank, a line break or the end ("---" ends in one, too).
			if i+1 >= len(data) || isYAMLBlank(data[i+1]) {
				indicators++
			}
		case ':':
			// A mapping value unless followed by '/' (as in http://),
			// which the lexer never cuts, block or flow.
			if i+1 >= len(data) || data[i+1] != '/' {
				indicators++
			}
		case '.':
			if lineBlank && i+2 < len(data) && data[i+1] == '.' && data[i+2] == '.' {
				indicators++ // "..." document end
			}
		case '%':
			if lineBlank {
				directive = true
			}
			indicators++
		case '|', '>':
			indicators += 2 // the header, and an empty scalar when no content follows
			header = header || isBlockHeader(data[i+1:])
		case '[', ']', '{', '}', ',', '#', '&', '*', '!', '\'', '"', '<', '@', '`':
			indicators++
		}
		if c != ' ' && c != '\t' {
			lineBlank = false
		}
		if 2*indicators+breaks+1 > maxBound {
			return 0, refuse(i, tooManyTokens(lim), fixTokens)
		}
	}
	if bound := 2*indicators + breaks + 1; bound <= maxBound {
		return bound, nil
	}
	return 0, refuse(len(data), tooManyTokens(lim), fixTokens)
}

// isBlockHeader reports whether rest, what follows a '|' or '>', ends a
// block scalar header: an optional chomping and indentation indicator,
// blanks, an optional comment, the end of the line. The lexer refuses any
// other header, so a '|' or '>' that passes nothing here starts no block
// scalar. The look-ahead stops at the first byte that is none of these, so
// the scan stays linear.
func isBlockHeader(rest []byte) bool {
	k := 0
	for k < len(rest) && k < 3 && (rest[k] == '-' || rest[k] == '+' || rest[k] >= '0' && rest[k] <= '9') {
		k++
	}
	for k < len(rest) && (rest[k] == ' ' || rest[k] == '\t') {
		k++
	}
	return k == len(rest) || rest[k] == '\n' || rest[k] == '\r' || rest[k] == '#'
}

func tooManyTokens(lim Limits) string {
	return fmt.Sprintf("file has more than %d YAML tokens; refusing to parse it", lim.Tokens)
}

const fixTokens = "a configuration describes a few services; check that the right file is named"

func isYAMLBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0
}

// checkTokens walks the lexer's tokens as the parser will group them and
// refuses the first place where a limit is passed. Block collections are
// tracked by the column of their entries ("-" or a key); flow collections
// by their brackets.
func checkTokens(tokens token.Tokens, lim Limits) *LimitError {
	type level struct {
		col  int
		seq  bool
		keys int
	}
	var stack []level
	flow, aliases := 0, 0
	refuse := func(tk *token.Token, msg, fix string) *LimitError {
		line, col := 1, 1
		if tk != nil && tk.Position != nil {
			line, col = max(1, tk.Position.Line), max(1, tk.Position.Column)
		}
		return &LimitError{Line: line, Col: col, Msg: msg, Fix: fix}
	}
	deep := func(tk *token.Token) *LimitError {
		if len(stack)+flow > lim.Depth {
			return refuse(tk, fmt.Sprintf("mappings and lists nested deeper than %d levels; refusing to parse the file", lim.Depth),
				"flatten the structure; a configuration needs only a few levels")
		}
		return nil
	}
	for i, tk := range tokens {
		if i >= lim.Tokens {
			return refuse(tk, tooManyTokens(lim), fixTokens)
		}
		switch tk.Type {
		case token.DocumentHeaderType:
			stack = stack[:0]
		case token.SequenceStartType, token.MappingStartType:
			flow++
			if err := deep(tk); err != nil {
				return err
			}
		case token.SequenceEndType, token.MappingEndType:
			flow = max(0, flow-1)
		case token.AnchorType, token.AliasType:
			if aliases++; aliases > lim.Aliases {
				return refuse(tk, fmt.Sprintf("more than %d YAML anchors and aliases; refusing to parse the file", lim.Aliases),
					"write the shared values out, or share fewer of them")
			}
		case token.SequenceEntryType:
			if flow > 0 {
				continue
			}
			col := tk.Position.Column
			for len(stack) > 0 && stack[len(stack)-1].col > col {
				stack = stack[:len(stack)-1]
			}
			if n := len(stack); n == 0 || stack[n-1].col != col || !stack[n-1].seq {
				stack = append(stack, level{col: col, seq: true})
				if err := deep(tk); err != nil {
					return err
				}
			}
		case token.MappingValueType:
			if flow > 0 {
				continue
			}
			key := keyStart(tokens, i)
			col := key.Position.Column
			for len(stack) > 0 && (stack[len(stack)-1].col > col || stack[len(stack)-1].col == col && stack[len(stack)-1].seq) {
				stack = stack[:len(stack)-1]
			}
			if n := len(stack); n > 0 && stack[n-1].col == col {
				if stack[n-1].keys++; stack[n-1].keys > lim.Keys {
					return refuse(key, fmt.Sprintf("a mapping with more than %d keys; refusing to parse the file", lim.Keys),
						"split the mapping; a configuration needs far fewer keys")
				}
				continue
			}
			stack = append(stack, level{col: col, keys: 1})
			if err := deep(key); err != nil {
				return err
			}
		}
	}
	return nil
}

// keyStart returns the first token of the key before the mapping value
// tokens[i]: the key itself, or a tag or anchor before it on its line.
func keyStart(tokens token.Tokens, i int) *token.Token {
	if i == 0 {
		return tokens[i]
	}
	key := tokens[i-1]
	for j := i - 2; j >= 0; j-- {
		t := tokens[j]
		if (t.Type != token.TagType && t.Type != token.AnchorType) || t.Position.Line != key.Position.Line {
			break
		}
		key = t
	}
	return key
}
