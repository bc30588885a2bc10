// Message digests used for dbt's checksums and ids: SHA-256 (file checksums, unit-test hashes) and
// MD5 (project_id, generic-test name hashes, `local_md5`); SHA-1, SHA-224, SHA-384 and SHA-512 for
// the engine's Flink hash functions (SHA1, SHA2, SHA224, ...). Pure functions, thread-safe. Not for
// security purposes.
#ifndef FLINKDBT_BASE_DIGEST_H_
#define FLINKDBT_BASE_DIGEST_H_

#include <string>
#include <string_view>

namespace flinkdbt {

// Lower-case hex digests.
std::string Sha256Hex(std::string_view data);
std::string Md5Hex(std::string_view data);
std::string Sha1Hex(std::string_view data);
std::string Sha224Hex(std::string_view data);
std::string Sha384Hex(std::string_view data);
std::string Sha512Hex(std::string_view data);

}  // namespace flinkdbt

#endif  // FLINKDBT_BASE_DIGEST_H_
