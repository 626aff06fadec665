#include "common/config/schema.h"

#include <stdexcept>

namespace fabric::config {

TableSchema::TableSchema(std::string name, bool singleton, std::string mkey, bool integer_mkey,
                         size_t mkey_size)
    : name_(std::move(name)),
      singleton_(singleton),
      mkey_(std::move(mkey)),
      integer_mkey_(integer_mkey),
      mkey_size_(mkey_size) {}

std::string TableSchema::shortName() const {
  auto space = name_.rfind(' ');
  return space == std::string::npos ? name_ : name_.substr(space + 1);
}

const Attribute* TableSchema::attribute(std::string_view name) const {
  auto it = index_.find(std::string(name));
  return it == index_.end() ? nullptr : &attributes_[it->second];
}

const TableSchema* TableSchema::child(std::string_view name) const {
  for (const auto& c : children_) {
    if (c->name() == name) return c.get();
  }
  return nullptr;
}

Attribute& TableSchema::add(Attribute attribute) {
  if (index_.count(attribute.name) || attribute.name == mkey_) {
    throw std::logic_error("schema: duplicate attribute " + name_ + "." + attribute.name);
  }
  index_[attribute.name] = attributes_.size();
  attributes_.push_back(std::move(attribute));
  return attributes_.back();
}

Attribute& TableSchema::str(std::string name, size_t size, std::string def) {
  Attribute a{.name = std::move(name), .type = AttrType::kString, .size = size};
  if (!def.empty()) a.default_value = {std::move(def)};
  return add(std::move(a));
}

Attribute& TableSchema::integer(std::string name, long long min, long long max, long long def) {
  return add(Attribute{.name = std::move(name), .type = AttrType::kInteger, .min = min, .max = max,
                       .default_value = {std::to_string(def)}});
}

Attribute& TableSchema::option(std::string name, std::vector<std::string> opts, std::string def) {
  Attribute a{.name = std::move(name), .type = AttrType::kOption, .options = std::move(opts)};
  if (!def.empty()) a.default_value = {std::move(def)};
  return add(std::move(a));
}

Attribute& TableSchema::options(std::string name, std::vector<std::string> opts,
                                std::vector<std::string> def) {
  return add(Attribute{.name = std::move(name), .type = AttrType::kOption, .options = std::move(opts),
                       .multi = true, .default_value = std::move(def)});
}

Attribute& TableSchema::ipv4(std::string name, std::string def) {
  return add(Attribute{.name = std::move(name), .type = AttrType::kIpv4, .default_value = {std::move(def)}});
}

Attribute& TableSchema::ipmask(std::string name, std::string def) {
  return add(Attribute{.name = std::move(name), .type = AttrType::kIpMask, .default_value = {std::move(def)}});
}

Attribute& TableSchema::classnet(std::string name, std::string def) {
  return add(Attribute{.name = std::move(name), .type = AttrType::kIpv4Classnet,
                       .default_value = {std::move(def)}});
}

Attribute& TableSchema::password(std::string name, size_t size) {
  return add(Attribute{.name = std::move(name), .type = AttrType::kPassword, .size = size});
}

Attribute& TableSchema::passwordHash(std::string name, size_t size) {
  return add(Attribute{.name = std::move(name), .type = AttrType::kPasswordHash, .size = size});
}

Attribute& TableSchema::ref(std::string name, std::string datasource, size_t size) {
  return add(Attribute{.name = std::move(name), .type = AttrType::kString, .size = size,
                       .datasource = std::move(datasource)});
}

Attribute& TableSchema::refs(std::string name, std::string datasource, size_t size) {
  return add(Attribute{.name = std::move(name), .type = AttrType::kString, .size = size, .multi = true,
                       .datasource = std::move(datasource)});
}

TableSchema& TableSchema::child(std::string name, std::string mkey, bool integer_mkey, size_t mkey_size) {
  children_.push_back(std::make_unique<TableSchema>(std::move(name), false, std::move(mkey), integer_mkey,
                                                    mkey_size));
  return *children_.back();
}

TableSchema& TableSchema::builtin(BuiltinEntry entry) {
  builtins_.push_back(std::move(entry));
  return *this;
}

Schema::Schema(std::string config_version) : config_version_(std::move(config_version)) {}

TableSchema& Schema::table(std::string name, std::string mkey, bool integer_mkey, size_t mkey_size) {
  if (index_.count(name)) throw std::logic_error("schema: duplicate table " + name);
  tables_.push_back(std::make_unique<TableSchema>(name, false, std::move(mkey), integer_mkey, mkey_size));
  index_[name] = tables_.back().get();
  return *tables_.back();
}

TableSchema& Schema::singleton(std::string name) {
  if (index_.count(name)) throw std::logic_error("schema: duplicate table " + name);
  tables_.push_back(std::make_unique<TableSchema>(name, true, "", false, 0));
  index_[name] = tables_.back().get();
  return *tables_.back();
}

const TableSchema* Schema::find(std::string_view name) const {
  auto it = index_.find(std::string(name));
  return it == index_.end() ? nullptr : it->second;
}

}  // namespace fabric::config
