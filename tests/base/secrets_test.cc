#include "flinkdbt/base/secrets.h"

#include <gtest/gtest.h>

#include <thread>

namespace flinkdbt {
namespace {

TEST(SecretScrubberTest, RedactsEveryOccurrence) {
  SecretScrubber s;
  s.Add("hunter2");
  EXPECT_EQ(s.Scrub("key=hunter2 again hunter2"), "key=***** again *****");
  EXPECT_EQ(s.Scrub("nothing here"), "nothing here");
}

TEST(SecretScrubberTest, LongerSecretsWinAndEmptyIsIgnored) {
  SecretScrubber s;
  s.Add("");
  EXPECT_TRUE(s.empty());
  s.Add("abc");
  s.Add("abcdef");
  EXPECT_EQ(s.Scrub("xabcdefx abc"), "x*****x *****");
}

TEST(SecretScrubberTest, ReadsSecretEnvironment) {
  char a[] = "DBT_ENV_SECRET_KEY=s3cr3t";
  char b[] = "PATH=/usr/bin";
  char c[] = "DBT_ENV_SECRET_EMPTY=";
  char* env[] = {a, b, c, nullptr};
  SecretScrubber s;
  s.AddSecretEnvironment(env);
  EXPECT_EQ(s.Scrub("token s3cr3t in /usr/bin"), "token ***** in /usr/bin");
}

TEST(SecretScrubberTest, ConcurrentAddAndScrub) {
  SecretScrubber s;
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) s.Add("secret" + std::to_string(i));
  });
  for (int i = 0; i < 200; ++i) (void)s.Scrub("secret0 secret199");
  writer.join();
  EXPECT_EQ(s.Scrub("secret199"), "*****");
}

}  // namespace
}  // namespace flinkdbt
