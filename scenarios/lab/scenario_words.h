#pragma once
// Splitting one scenario line into words: whitespace separates words; a double-quoted word may hold
// spaces, with \" and \\ as its only escapes. quoteWord() is the inverse used by the formatter.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fabric::lab {

// nullopt with `error` set on an unterminated quote, a bad escape or a control character.
std::optional<std::vector<std::string>> splitWords(std::string_view line, std::string& error);
std::string quoteWord(std::string_view word);

}  // namespace fabric::lab
