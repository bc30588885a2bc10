#include "flinkdbt/sql/catalog.h"

namespace flinkdbt::sql {
namespace {

std::string Key(std::string_view c, std::string_view d, std::string_view n) {
  std::string k;
  k.reserve(c.size() + d.size() + n.size() + 2);
  k.append(c).push_back('\0');
  k.append(d).push_back('\0');
  k.append(n);
  return k;
}

}  // namespace

const CatalogColumn* Relation::FindColumn(std::string_view column) const {
  for (const CatalogColumn& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

InMemoryCatalog::InMemoryCatalog(std::string current_catalog, std::string current_database)
    : current_catalog_(std::move(current_catalog)), current_database_(std::move(current_database)) {}

void InMemoryCatalog::Add(Relation relation) {
  if (relation.catalog.empty()) relation.catalog = current_catalog_;
  if (relation.database.empty()) relation.database = current_database_;
  std::string key = Key(relation.catalog, relation.database, relation.name);
  relations_[key] = std::make_shared<const Relation>(std::move(relation));
}

LookupResult InMemoryCatalog::Lookup(const std::vector<std::string>& parts) const {
  if (parts.empty() || parts.size() > 3) return {LookupStatus::kNotFound, nullptr};
  std::vector<std::string> full;
  if (parts.size() == 1) full = {current_catalog_, current_database_, parts[0]};
  if (parts.size() == 2) full = {current_catalog_, parts[0], parts[1]};
  if (parts.size() == 3) full = parts;
  auto it = relations_.find(Key(full[0], full[1], full[2]));
  if (it != relations_.end()) return {LookupStatus::kFound, it->second};
  if (fallback_ != nullptr) {
    LookupResult r = fallback_->Lookup(full);
    if (r.status != LookupStatus::kNotFound) return r;
  }
  return {missing_, nullptr};
}

std::vector<Relation> ExampleMarketplaceRelations() {
  // Schemas as Confluent documents them in "Example Data Streams in Confluent Cloud for Apache Flink"
  // (https://docs.confluent.io/cloud/current/flink/reference/example-data.html, "Marketplace
  // database"): clicks(click_id STRING, user_id INT, url STRING, user_agent STRING, view_time INT);
  // customers(customer_id INT, name, address, postcode, city, email STRING, PRIMARY KEY
  // (customer_id)); orders(order_id STRING, customer_id INT, product_id INT, price DOUBLE);
  // products(product_id INT, name, brand, vendor, department STRING, PRIMARY KEY (product_id)).
  // Every physical column is NOT NULL and `$rowtime` is TIMESTAMP_LTZ(3) *ROWTIME* NOT NULL,
  // METADATA VIRTUAL, with WATERMARK AS SOURCE_WATERMARK() — as Confluent Cloud's SHOW CREATE TABLE
  // / DESCRIBE EXTENDED print them for `clicks`. No distribution is documented.
  auto rel = [](std::string name, std::vector<CatalogColumn> cols, std::vector<std::string> pk) {
    Relation r;
    r.catalog = "examples";
    r.database = "marketplace";
    r.name = std::move(name);
    r.columns = std::move(cols);
    DataType rowtime = DataType::TimestampLtz(3, false);
    rowtime.time_attribute = TimeAttribute::kRowtime;
    r.columns.push_back(CatalogColumn{"$rowtime", rowtime, true, true});
    r.watermark_column = "$rowtime";
    r.primary_key = std::move(pk);
    return r;
  };
  const DataType kString = DataType::String(false);
  const DataType kInt = DataType::Int(false);
  std::vector<Relation> out;
  out.push_back(rel("orders",
                    {{"order_id", kString},
                     {"customer_id", kInt},
                     {"product_id", kInt},
                     {"price", DataType::Double(false)}},
                    {}));
  out.push_back(rel("customers",
                    {{"customer_id", kInt},
                     {"name", kString},
                     {"address", kString},
                     {"postcode", kString},
                     {"city", kString},
                     {"email", kString}},
                    {"customer_id"}));
  out.push_back(rel("products",
                    {{"product_id", kInt},
                     {"name", kString},
                     {"brand", kString},
                     {"vendor", kString},
                     {"department", kString}},
                    {"product_id"}));
  out.push_back(rel("clicks",
                    {{"click_id", kString},
                     {"user_id", kInt},
                     {"url", kString},
                     {"user_agent", kString},
                     {"view_time", kInt}},
                    {}));
  return out;
}

std::unique_ptr<InMemoryCatalog> MakeExamplesCatalog() {
  auto c = std::make_unique<InMemoryCatalog>("examples", "marketplace");
  for (Relation& r : ExampleMarketplaceRelations()) c->Add(std::move(r));
  return c;
}

}  // namespace flinkdbt::sql
