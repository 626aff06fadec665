#include "common/config/lexer.h"

namespace fabric::config {

LexResult lex(std::string_view text) {
  LexResult result;
  Command current;
  Token word;
  bool in_word = false;
  bool comment = false;
  size_t line = 1;
  current.line = 1;

  auto endWord = [&] {
    if (in_word) current.words.push_back(std::move(word));
    word = Token{};
    in_word = false;
  };
  auto endCommand = [&] {
    endWord();
    if (!current.words.empty() && !comment) result.commands.push_back(std::move(current));
    current = Command{};
    current.line = line;
    comment = false;
  };

  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    char c = text[i];
    if (comment) {
      if (c == '\n') {
        ++line;
        endCommand();
      }
      ++i;
      continue;
    }
    if (c == '\n') {
      ++line;
      endCommand();
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      endWord();
      ++i;
    } else if (c == '#' && !in_word && current.words.empty()) {
      comment = true;
      ++i;
    } else if (c == '\\') {
      if (i + 1 >= n) {
        ++i;  // a lone trailing backslash escapes nothing
      } else if (text[i + 1] == '\n') {
        ++line;  // continuation
        i += 2;
      } else {
        in_word = true;
        word.text.push_back(text[i + 1]);
        i += 2;
      }
    } else if (c == '"' || c == '\'') {
      const char q = c;
      const size_t start_line = line;
      in_word = true;
      word.quoted = true;
      ++i;
      bool closed = false;
      while (i < n) {
        char d = text[i];
        if (d == q) {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < n && (q == '"' || text[i + 1] == '\'' || text[i + 1] == '\\')) {
          if (text[i + 1] == '\n') ++line;
          word.text.push_back(text[i + 1]);
          i += 2;
          continue;
        }
        if (d == '\n') ++line;
        word.text.push_back(d);
        ++i;
      }
      if (!closed) {
        result.unterminated = true;
        result.unterminated_line = start_line;
        return result;
      }
    } else {
      in_word = true;
      word.text.push_back(c);
      ++i;
    }
  }
  endCommand();
  return result;
}

std::string quote(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace fabric::config
