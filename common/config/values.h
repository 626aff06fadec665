#pragma once
// Typed values: parsing the words of `set <attribute> …` into stored tokens, and printing stored
// tokens as `show`, `get` and the REST API print them.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/config/lexer.h"
#include "common/config/schema.h"

namespace fabric::config {

class SecretBox;

// A CLI error: the message lines FortiOS prints before `Command fail. Return code <code>`.
struct CliError {
  std::vector<std::string> lines;
  int code = 0;
};

// Parses and checks the words after `set <attribute>` (datasources are checked by the caller,
// which knows the tree). Secrets are sealed or hashed here, so clear text goes no further; error
// messages never repeat a secret's words.
std::optional<CliError> parseValue(const Attribute& attribute, const std::vector<Token>& words,
                                   const SecretBox& secrets, std::vector<std::string>& out);

std::optional<unsigned> parseIpv4(const std::string& text);
std::string formatIpv4(unsigned address);

// The stored values of an attribute of a node, or its default.
const std::vector<std::string>& effective(const Attribute& attribute,
                                          const std::map<std::string, std::vector<std::string>>& attrs);
bool isDefault(const Attribute& attribute, const std::vector<std::string>& values);

// What follows `set <name> ` in show output; empty string for "nothing to print".
std::string formatShow(const Attribute& attribute, const std::vector<std::string>& values);
// The value column of `get`.
std::string formatGet(const Attribute& attribute, const std::vector<std::string>& values);
// The REST API value.
nlohmann::json formatJson(const Attribute& attribute, const std::vector<std::string>& values);

}  // namespace fabric::config
