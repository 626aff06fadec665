#include "scenarios/lab/scenario_words.h"

#include <cstdio>

namespace fabric::lab {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t'; }

std::string describeControl(unsigned char c) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X", c);
  return text;
}

}  // namespace

std::optional<std::vector<std::string>> splitWords(std::string_view line, std::string& error) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && isSpace(line[i])) ++i;
    if (i == line.size()) break;
    std::string word;
    if (line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (i == line.size() || (line[i] != '"' && line[i] != '\\')) {
            error = "bad escape in quoted text (only \\\" and \\\\ are allowed)";
            return std::nullopt;
          }
          c = line[i++];
        } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
          error = "control character " + describeControl(static_cast<unsigned char>(c)) + " in quoted text";
          return std::nullopt;
        }
        word.push_back(c);
      }
      if (!closed) {
        error = "quoted text is not closed (missing \")";
        return std::nullopt;
      }
      if (i < line.size() && !isSpace(line[i])) {
        error = "text follows a closing quote without a space";
        return std::nullopt;
      }
    } else {
      while (i < line.size() && !isSpace(line[i])) {
        char c = line[i++];
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          error = "control character " + describeControl(static_cast<unsigned char>(c));
          return std::nullopt;
        }
        if (c == '"') {
          error = "a quote may only start a word";
          return std::nullopt;
        }
        word.push_back(c);
      }
    }
    words.push_back(std::move(word));
  }
  return words;
}

std::string quoteWord(std::string_view word) {
  bool plain = !word.empty() && word.front() != '#';
  for (char c : word) {
    if (isSpace(c) || c == '"' || c == '\\') plain = false;
  }
  if (plain) return std::string(word);
  std::string out = "\"";
  for (char c : word) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace fabric::lab
