#include "graph/compiled_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <utility>

#include "flinkdbt/base/strings.h"
#include "fmt/format.h"

namespace flinkdbt::graph {
namespace {

absl::Status CannotWrite(const std::string& dir, const std::string& name) {
  return absl::InternalError(ToAbsl(fmt::format("cannot write {}/{}", dir, name)));
}

// Whether the file `name` in `dir_fd` already holds exactly `contents`.
bool SameContents(int dir_fd, const std::string& name, std::string_view contents) {
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  bool same = false;
  if (::fstat(fd, &st) == 0 && static_cast<size_t>(st.st_size) == contents.size()) {
    std::string existing(contents.size(), '\0');
    size_t got = 0;
    while (got < existing.size()) {
      ssize_t r = ::read(fd, existing.data() + got, existing.size() - got);
      if (r <= 0) break;
      got += static_cast<size_t>(r);
    }
    same = got == existing.size() && existing == contents;
  }
  ::close(fd);
  return same;
}

}  // namespace

CompiledFileWriter::CompiledFileWriter() : thread_([this] { Run(); }) {}

CompiledFileWriter::~CompiledFileWriter() { (void)Finish(); }

void CompiledFileWriter::Add(std::string dir, std::string name, std::string_view contents) {
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(Job{std::move(dir), std::move(name), contents});
    // A writer that is busy takes the whole queue when it comes back: waking it for every file
    // (a futex call each) cost as much as writing the files' paths.
    wake = writer_waiting_;
    writer_waiting_ = false;
  }
  if (wake) cv_.notify_one();
}

absl::Status CompiledFileWriter::Finish() {
  if (thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closing_ = true;
    }
    cv_.notify_one();
    thread_.join();
    for (auto& [_, d] : dirs_) {
      if (d.fd >= 0) ::close(d.fd);
    }
    dirs_.clear();
  }
  return status_;
}

void CompiledFileWriter::Run() {
  std::vector<Job> batch;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      while (!closing_ && queue_.empty()) {
        writer_waiting_ = true;
        cv_.wait(lock);
      }
      writer_waiting_ = false;
      if (queue_.empty()) return;  // closing, nothing left
      batch.swap(queue_);
    }
    for (const Job& job : batch) {
      // After an error the rest is drained unwritten (the command fails anyway).
      if (status_.ok()) status_ = Write(job);
    }
    batch.clear();
  }
}

// Writes one file. A changed existing file is replaced by a new inode rather than truncated:
// ext4 flushes a truncated-then-rewritten file on close (auto_da_alloc), which made rewriting 30k
// compiled files cost seconds of kernel time.
absl::Status CompiledFileWriter::Write(const Job& job) {
  auto [it, inserted] = dirs_.try_emplace(job.dir);
  Dir& dir = it->second;
  if (inserted) {
    std::error_code ec;
    dir.fresh = !std::filesystem::exists(job.dir, ec);
    std::filesystem::create_directories(job.dir, ec);
    dir.fd = ::open(job.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }
  if (dir.fd < 0) return CannotWrite(job.dir, job.name);
  if (!dir.fresh) {
    if (SameContents(dir.fd, job.name, job.contents)) return absl::OkStatus();
    ::unlinkat(dir.fd, job.name.c_str(), 0);
  }
  int fd = ::openat(dir.fd, job.name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return CannotWrite(job.dir, job.name);
  size_t done = 0;
  while (done < job.contents.size()) {
    ssize_t w = ::write(fd, job.contents.data() + done, job.contents.size() - done);
    if (w <= 0) {
      ::close(fd);
      return CannotWrite(job.dir, job.name);
    }
    done += static_cast<size_t>(w);
  }
  if (::close(fd) != 0) return CannotWrite(job.dir, job.name);
  return absl::OkStatus();
}

}  // namespace flinkdbt::graph
