#include "flinkdbt/engine/sqltest.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/engine/engine.h"
#include "fmt/format.h"

namespace flinkdbt::engine {

namespace {

struct Block {
  enum Kind { kStatementOk, kStatementError, kQuery } kind = kStatementOk;
  int line = 0;
  bool sqlite = false;
  std::string expected_error;
  std::string sql;
  std::vector<std::string> header;
  std::vector<std::string> rows;  // raw "a|b|c" lines
};

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
  return s.substr(b);
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t p = 0;
  while (true) {
    size_t q = s.find(sep, p);
    out.push_back(s.substr(p, q == std::string::npos ? std::string::npos : q - p));
    if (q == std::string::npos) break;
    p = q + 1;
  }
  return out;
}

bool ParseFile(const std::string& text, std::vector<Block>* blocks, bool* batch, std::string* error) {
  std::vector<std::string> lines = Split(text, '\n');
  size_t i = 0;
  *batch = false;
  while (i < lines.size()) {
    std::string l = Trim(lines[i]);
    if (l.empty()) {
      ++i;
      continue;
    }
    if (l[0] == '#') {
      if (l.rfind("# mode:", 0) == 0) {
        std::string m = Trim(l.substr(7));
        if (m.rfind("batch", 0) == 0) *batch = true;
      }
      ++i;
      continue;
    }
    Block b;
    b.line = static_cast<int>(i) + 1;
    if (l.rfind("statement ok", 0) == 0) {
      b.kind = Block::kStatementOk;
      b.sqlite = l.find("sqlite") != std::string::npos;
    } else if (l.rfind("statement error", 0) == 0) {
      b.kind = Block::kStatementError;
      b.expected_error = Trim(l.substr(15));
    } else if (l.rfind("query", 0) == 0) {
      b.kind = Block::kQuery;
      b.sqlite = l.find("sqlite") != std::string::npos;
    } else {
      *error =
          fmt::format("line {}: expected 'statement ok', 'statement error' or 'query', got '{}'", i + 1, l);
      return false;
    }
    ++i;
    std::string sql;
    while (i < lines.size() && !Trim(lines[i]).empty() && Trim(lines[i]) != "----") {
      sql += lines[i] + "\n";
      ++i;
    }
    b.sql = sql;
    if (b.kind == Block::kQuery) {
      if (i >= lines.size() || Trim(lines[i]) != "----") {
        *error = fmt::format("line {}: query block without '----'", b.line);
        return false;
      }
      ++i;
      if (i < lines.size() && !Trim(lines[i]).empty()) {
        b.header = Split(Trim(lines[i]), '|');
        ++i;
      }
      while (i < lines.size() && !Trim(lines[i]).empty()) {
        b.rows.push_back(Trim(lines[i]));
        ++i;
      }
    }
    blocks->push_back(std::move(b));
  }
  return true;
}

bool HasOrderBy(const std::string& sql) {
  std::string u;
  for (char c : sql) u.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  // A top-level ORDER BY (not inside OVER (...)): look for ORDER BY after the last ')'.
  size_t pos = u.rfind("ORDER BY");
  if (pos == std::string::npos) return false;
  int depth = 0;
  for (size_t k = pos; k < u.size(); ++k) {
    if (u[k] == '(') ++depth;
    if (u[k] == ')') {
      if (depth == 0) return false;
      --depth;
    }
  }
  return true;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "|" : "") + v[i];
  return out;
}

std::string Describe(const std::vector<std::string>& rows) {
  std::string out;
  for (const auto& r : rows) out += "\n    " + r;
  return out.empty() ? " (none)" : out;
}

// Runs `setup` + `query` through sqlite3; returns the rows as "a|b" lines.
bool RunSqlite(const std::string& sqlite3, const std::vector<std::string>& setup, const std::string& query,
               std::vector<std::string>* rows, std::string* error) {
  char path[] = "/tmp/flinkdbt-sqltest-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) {
    *error = "cannot create a temp file for sqlite3";
    return false;
  }
  std::string script;
  for (const auto& s : setup) script += s + ";\n";
  script += query + ";\n";
  ssize_t n = write(fd, script.data(), script.size());
  close(fd);
  if (n != static_cast<ssize_t>(script.size())) {
    unlink(path);
    *error = "cannot write the sqlite3 script";
    return false;
  }
  std::string cmd =
      fmt::format("{} -batch -noheader -separator '|' -nullvalue NULL :memory: < {} 2>&1", sqlite3, path);
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    unlink(path);
    *error = "cannot run sqlite3";
    return false;
  }
  std::string out;
  char buf[4096];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, got);
  int rc = pclose(p);
  unlink(path);
  if (rc != 0 || out.find("Error") != std::string::npos) {
    *error = "sqlite3 failed: " + out;
    return false;
  }
  for (auto& l : Split(out, '\n')) {
    l = Trim(l);
    if (!l.empty()) rows->push_back(l);
  }
  return true;
}

}  // namespace

std::set<std::string> ReadKnownDivergences(const std::string& path) {
  std::set<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.find_first_of(" \t");
    out.insert(line.substr(0, sp));
  }
  return out;
}

void RunSqlTestFile(const std::string& path, const SqlTestOptions& options, SqlTestReport* report) {
  std::string name = std::filesystem::path(path).filename().string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    report->failed++;
    report->failures.push_back({path, 0, "cannot read file"});
    return;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::vector<Block> blocks;
  bool batch = false;
  std::string error;
  if (!ParseFile(ss.str(), &blocks, &batch, &error)) {
    report->failed++;
    report->failures.push_back({path, 0, error});
    return;
  }
  if (options.known_divergences.count(name)) {
    report->skipped += static_cast<int>(blocks.size());
    return;
  }
  EngineOptions eo;
  eo.now = [] { return int64_t{1704067200000}; };  // fixed clock: 2024-01-01 00:00:00 UTC
  Engine engine(eo);
  std::vector<std::string> sqlite_setup;
  for (const Block& b : blocks) {
    if (options.known_divergences.count(fmt::format("{}:{}", name, b.line))) {
      report->skipped++;
      continue;
    }
    auto fail = [&](std::string msg) {
      report->failed++;
      report->failures.push_back({path, b.line, std::move(msg)});
    };
    auto r = engine.Execute(b.sql);
    if (b.kind == Block::kStatementError) {
      if (r.ok()) {
        fail("expected an error, the statement succeeded");
      } else if (!b.expected_error.empty() &&
                 ToStd(r.status().message()).find(b.expected_error) == std::string_view::npos) {
        fail(fmt::format("expected an error containing '{}', got: {}", b.expected_error,
                         r.status().message()));
      } else {
        report->passed++;
      }
      continue;
    }
    if (!r.ok()) {
      auto loc = GetLocation(r.status());
      fail(fmt::format("error{}: {}", loc ? fmt::format(" at {}:{}", loc->line, loc->column) : "",
                       r.status().message()));
      continue;
    }
    if (b.kind == Block::kStatementOk) {
      if (b.sqlite) sqlite_setup.push_back(b.sql);
      report->passed++;
      continue;
    }
    // Query: compare header and rows.
    bool with_op = !b.header.empty() && b.header[0] == "op";
    std::vector<std::string> want_header(b.header.begin() + (with_op ? 1 : 0), b.header.end());
    std::vector<std::string> got_header;
    for (const auto& c : r->schema) got_header.push_back(c.name);
    if (want_header != got_header) {
      fail(fmt::format("columns differ: expected {} got {}", Join(want_header), Join(got_header)));
      continue;
    }
    std::vector<std::string> got;
    bool ordered = r->ordered || HasOrderBy(b.sql);
    bool legacy = false;
    for (const auto& row : b.rows)
      legacy = legacy || (with_op && (row.rfind("+|", 0) == 0 || row.rfind("-|", 0) == 0));
    if (with_op && !batch) {
      ordered = true;
      for (const auto& c : r->changelog) {
        std::string op = RowKindShortString(c.kind);
        if (legacy) op = IsAccumulate(c.kind) ? "+" : "-";
        got.push_back(op + "|" + Join(r->FormatRow(c.row)));
      }
    } else {
      for (const auto& row : r->rows) got.push_back((with_op ? "+I|" : "") + Join(r->FormatRow(row)));
    }
    std::vector<std::string> want = b.rows;
    if (!ordered) {
      std::sort(want.begin(), want.end());
      std::sort(got.begin(), got.end());
    }
    if (want != got) {
      fail(fmt::format("rows differ{}:\n  expected:{}\n  got:{}", ordered ? " (ordered)" : "", Describe(want),
                       Describe(got)));
      continue;
    }
    if (b.sqlite && !options.sqlite3.empty()) {
      std::vector<std::string> lite;
      std::string err;
      if (!RunSqlite(options.sqlite3, sqlite_setup, b.sql, &lite, &err)) {
        fail(err);
        continue;
      }
      std::vector<std::string> w = b.rows;
      if (!ordered) {
        std::sort(w.begin(), w.end());
        std::sort(lite.begin(), lite.end());
      }
      if (w != lite) {
        fail(fmt::format("SQLite disagrees:\n  expected:{}\n  sqlite:{}", Describe(w), Describe(lite)));
        continue;
      }
      report->sqlite_checked++;
    }
    report->passed++;
  }
}

}  // namespace flinkdbt::engine
