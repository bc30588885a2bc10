// CompiledFileWriter: writes target/compiled/... files on a background thread while the caller
// keeps compiling (private to the graph layer).
//
// Creating ~30k small files costs the kernel about as much time as compiling them; a writer thread
// overlaps the two. Each directory is created (or found) once and kept open, so a file is one
// openat() relative to it; in a directory this writer created, files are known not to exist and are
// not probed first. An existing file with the same contents is left alone (no new mtime, no
// write-back), a changed one is replaced by a new inode (see WriteFile in compiled_writer.cc).
#ifndef FLINKDBT_SRC_GRAPH_COMPILED_WRITER_H_
#define FLINKDBT_SRC_GRAPH_COMPILED_WRITER_H_

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"

namespace flinkdbt::graph {

class CompiledFileWriter {
 public:
  CompiledFileWriter();
  // Waits for the queued files (errors are then dropped: call Finish to see them).
  ~CompiledFileWriter();
  CompiledFileWriter(const CompiledFileWriter&) = delete;
  CompiledFileWriter& operator=(const CompiledFileWriter&) = delete;

  // Queues `contents` for `dir`/`name`. `contents` is borrowed: it must stay alive and unchanged
  // until Finish() returns.
  void Add(std::string dir, std::string name, std::string_view contents);
  // Waits until every queued file is written; the first error, if any.
  absl::Status Finish();

 private:
  struct Job {
    std::string dir, name;
    std::string_view contents;
  };
  struct Dir {
    int fd = -1;
    bool fresh = false;  // created by this writer: holds no files but ours
  };
  void Run();
  absl::Status Write(const Job& job);

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Job> queue_;           // guarded by mu_
  bool closing_ = false;             // guarded by mu_
  bool writer_waiting_ = false;      // guarded by mu_: the writer sleeps on cv_ for work
  absl::Status status_;              // the writer thread's first error; read after join
  std::map<std::string, Dir> dirs_;  // writer thread only
  std::thread thread_;
};

}  // namespace flinkdbt::graph

#endif  // FLINKDBT_SRC_GRAPH_COMPILED_WRITER_H_
