#pragma once
// The schema of a node's configuration, as data: tables (with an mkey), singletons, nested tables
// and typed attributes with sizes, ranges, options, defaults and datasource references.
// A Schema is built once at start (see fortigate/schema/) and shared read-only by every Engine.

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace fabric::config {

enum class AttrType {
  kString,        // quoted on output; `size` is the maximum length
  kInteger,       // bare; [min, max]
  kOption,        // bare; one of `options` (several when `multi`)
  kIpv4,          // a.b.c.d
  kIpMask,        // "a.b.c.d m.m.m.m" (also accepts a.b.c.d/len)
  kIpv4Classnet,  // like kIpMask, host bits cleared
  kPassword,      // reversible secret, printed `ENC <base64>`
  kPasswordHash,  // one-way salted hash, printed `ENC SH2<base64>`
};

struct Attribute {
  std::string name;
  AttrType type = AttrType::kString;
  size_t size = 0;  // string length limit (0 = unlimited)
  long long min = 0, max = 0;
  std::vector<std::string> options;
  bool multi = false;                   // several values on one `set`
  std::string datasource;               // table a value must name (e.g. "firewall address")
  std::vector<std::string> default_value;  // stored tokens; empty = no value
  bool required = false;                // must be set (non-empty) on commit
  std::string required_if_attr, required_if_value;  // required when another attribute has a value
  std::string help;

  Attribute& def(std::vector<std::string> value) { default_value = std::move(value); return *this; }
  Attribute& mustBeSet() { required = true; return *this; }
  Attribute& requiredWhen(std::string attr, std::string value) {
    required_if_attr = std::move(attr);
    required_if_value = std::move(value);
    return *this;
  }
  bool isSecret() const { return type == AttrType::kPassword || type == AttrType::kPasswordHash; }
};

// A built-in entry present in a fresh tree (e.g. system accprofile "super_admin").
struct BuiltinEntry {
  std::string mkey;
  std::vector<std::pair<std::string, std::vector<std::string>>> values;
};

class TableSchema {
 public:
  TableSchema(std::string name, bool singleton, std::string mkey, bool integer_mkey, size_t mkey_size);

  const std::string& name() const { return name_; }
  // The last word of the name, as the prompt shows it: "automation-trigger", "global".
  std::string shortName() const;
  bool singleton() const { return singleton_; }
  const std::string& mkey() const { return mkey_; }
  bool integerMkey() const { return integer_mkey_; }
  size_t mkeySize() const { return mkey_size_; }
  size_t maxEntries() const { return max_entries_; }
  TableSchema& setMaxEntries(size_t n) { max_entries_ = n; return *this; }

  const std::deque<Attribute>& attributes() const { return attributes_; }
  const Attribute* attribute(std::string_view name) const;
  const std::vector<std::unique_ptr<TableSchema>>& children() const { return children_; }
  const TableSchema* child(std::string_view name) const;
  const std::vector<BuiltinEntry>& builtins() const { return builtins_; }

  // Builders.
  Attribute& str(std::string name, size_t size, std::string def = "");
  Attribute& integer(std::string name, long long min, long long max, long long def);
  Attribute& option(std::string name, std::vector<std::string> options, std::string def);
  Attribute& options(std::string name, std::vector<std::string> options, std::vector<std::string> def);
  Attribute& ipv4(std::string name, std::string def = "0.0.0.0");
  Attribute& ipmask(std::string name, std::string def = "0.0.0.0 0.0.0.0");
  Attribute& classnet(std::string name, std::string def = "0.0.0.0 0.0.0.0");
  Attribute& password(std::string name, size_t size);
  Attribute& passwordHash(std::string name, size_t size);
  Attribute& ref(std::string name, std::string datasource, size_t size);
  Attribute& refs(std::string name, std::string datasource, size_t size);
  TableSchema& child(std::string name, std::string mkey, bool integer_mkey, size_t mkey_size = 0);
  TableSchema& builtin(BuiltinEntry entry);

 private:
  Attribute& add(Attribute attribute);

  std::string name_;
  bool singleton_;
  std::string mkey_;
  bool integer_mkey_;
  size_t mkey_size_;
  size_t max_entries_ = 0;
  std::deque<Attribute> attributes_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<std::unique_ptr<TableSchema>> children_;
  std::vector<BuiltinEntry> builtins_;
};

class Schema {
 public:
  // `config_version` is the config file header's version field, e.g.
  // "FGVM64-6.0.4-FW-build0231-190107".
  explicit Schema(std::string config_version);

  TableSchema& table(std::string name, std::string mkey, bool integer_mkey = false, size_t mkey_size = 35);
  TableSchema& singleton(std::string name);

  const TableSchema* find(std::string_view name) const;
  // Tables in the order `save()` prints them.
  const std::vector<std::unique_ptr<TableSchema>>& tables() const { return tables_; }
  const std::string& configVersion() const { return config_version_; }

 private:
  std::string config_version_;
  std::vector<std::unique_ptr<TableSchema>> tables_;
  std::unordered_map<std::string, const TableSchema*> index_;
};

}  // namespace fabric::config
