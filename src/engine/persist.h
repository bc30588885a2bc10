// Internal: the folder a persistent (`local` target) engine keeps its catalog and data in.
//
//   <folder>/flinkdbt-engine.json   catalog + data, replaced atomically (temp file, fsync, rename)
//   <folder>/flinkdbt-engine.lock   held with flock() while an engine has the folder open
//
// A folder with other content and no state file is "foreign" and refused; a state file that does
// not parse or has another format tag is reported as corrupt. Nothing is ever reset silently.
#ifndef FLINKDBT_ENGINE_PERSIST_H_
#define FLINKDBT_ENGINE_PERSIST_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "flinkdbt/engine/catalog.h"

namespace flinkdbt::engine {

class Store {
 public:
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& folder);
  ~Store();
  absl::Status Load(Catalog* catalog);
  absl::Status Save(const Catalog& catalog);

 private:
  std::string folder_;
  int lock_fd_ = -1;
};

// Serialization (also used by tests).
std::string SerializeCatalog(const Catalog& catalog);
absl::Status DeserializeCatalog(std::string_view json, Catalog* catalog);

}  // namespace flinkdbt::engine

#endif  // FLINKDBT_ENGINE_PERSIST_H_
