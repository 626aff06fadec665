#include <catch2/catch.hpp>

#include "common/config/lexer.h"

namespace fabric::config {

static std::vector<std::string> words(const Command& c) {
  std::vector<std::string> out;
  for (const auto& t : c.words) out.push_back(t.text);
  return out;
}

TEST_CASE("lexer splits words and honours quotes and escapes", "[config][lexer]") {
  auto r = lex("set comment \"a \\\"quoted\\\" \\\\ word\" 'single \"x\"' plain\\ space");
  REQUIRE(r.commands.size() == 1);
  CHECK(words(r.commands[0]) ==
        std::vector<std::string>{"set", "comment", "a \"quoted\" \\ word", "single \"x\"", "plain space"});
  CHECK(r.commands[0].words[2].quoted);
  CHECK_FALSE(r.commands[0].words[0].quoted);
}

TEST_CASE("lexer keeps a quoted newline inside the word and counts lines", "[config][lexer]") {
  auto r = lex("config a\nset script \"line1\nline2\"\n\nend\n");
  REQUIRE(r.commands.size() == 3);
  CHECK(r.commands[1].words[2].text == "line1\nline2");
  CHECK(r.commands[1].line == 2);
  CHECK(r.commands[2].line == 5);
}

TEST_CASE("lexer: empty quotes are an empty value, comments are skipped", "[config][lexer]") {
  auto r = lex("#config-version=X:opmode=0\nset comment ''\n   # another comment\n");
  REQUIRE(r.commands.size() == 1);
  REQUIRE(r.commands[0].words.size() == 3);
  CHECK(r.commands[0].words[2].text.empty());
  CHECK(r.commands[0].words[2].quoted);
}

TEST_CASE("lexer reports an unterminated quote with its line", "[config][lexer]") {
  auto r = lex("edit x\nset comment \"never closed\n");
  CHECK(r.unterminated);
  CHECK(r.unterminated_line == 2);
}

TEST_CASE("quote escapes double quotes and backslashes as FortiOS prints them", "[config][lexer]") {
  CHECK(quote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  auto r = lex("x " + quote("a\"b\\c"));
  CHECK(r.commands[0].words[1].text == "a\"b\\c");
}

}  // namespace fabric::config
