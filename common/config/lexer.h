#pragma once
// The FortiOS CLI lexer: splits text into commands (one per line) and words. Double quotes and
// single quotes group words (a quoted newline belongs to the word, as a multi-line script value
// does in a config file); a backslash escapes the next character inside double quotes and outside
// quotes; a backslash before a newline continues the command on the next line. A line whose first
// word starts with '#' is a comment (the config file header).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fabric::config {

struct Token {
  std::string text;
  bool quoted = false;  // written in quotes ('' is an empty value, distinct from no value)
};

struct Command {
  std::vector<Token> words;
  size_t line = 1;  // 1-based line where the command starts
};

struct LexResult {
  std::vector<Command> commands;
  // Set when the text ends inside a quote: the console waits for more input, a file is broken.
  bool unterminated = false;
  size_t unterminated_line = 0;
};

LexResult lex(std::string_view text);

// Quotes a value as FortiOS prints it: "…" with `"` and `\` escaped.
std::string quote(std::string_view value);

}  // namespace fabric::config
