#include "graph/compiled_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace flinkdbt::graph {
namespace {
namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ino_t Inode(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

class CompiledWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("flinkdbt_writer_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(CompiledWriterTest, CreatesDirectoriesAndFiles) {
  std::string a = "select 1", b = "select 2";
  CompiledFileWriter w;
  for (int i = 0; i < 200; ++i)
    w.Add((dir_ / "x" / std::to_string(i % 7)).string(), std::to_string(i) + ".sql", a);
  w.Add((dir_ / "y").string(), "b.sql", b);
  ASSERT_TRUE(w.Finish().ok());
  EXPECT_EQ(Slurp(dir_ / "x" / "3" / "10.sql"), a);
  EXPECT_EQ(Slurp(dir_ / "y" / "b.sql"), b);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "x" / "0"), fs::directory_iterator{}), 29);
}

TEST_F(CompiledWriterTest, KeepsUnchangedFilesAndReplacesChangedOnes) {
  std::string same = "select 1", before = "select 2", after = "select 22";
  {
    CompiledFileWriter w;
    w.Add(dir_.string(), "same.sql", same);
    w.Add(dir_.string(), "changed.sql", before);
    ASSERT_TRUE(w.Finish().ok());
  }
  ino_t same_inode = Inode(dir_ / "same.sql");
  CompiledFileWriter w;
  w.Add(dir_.string(), "same.sql", same);
  w.Add(dir_.string(), "changed.sql", after);
  ASSERT_TRUE(w.Finish().ok());
  EXPECT_EQ(Inode(dir_ / "same.sql"), same_inode);
  EXPECT_EQ(Slurp(dir_ / "changed.sql"), after);
}

TEST_F(CompiledWriterTest, ReportsAnUnwritableDirectory) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "blocker") << "a file where a directory should be";
  std::string text = "select 1";
  CompiledFileWriter w;
  w.Add((dir_ / "blocker" / "sub").string(), "m.sql", text);
  absl::Status st = w.Finish();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(std::string(st.message()).find("cannot write"), std::string::npos) << st;
}

}  // namespace
}  // namespace flinkdbt::graph
