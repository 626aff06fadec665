#include "common/logship/disk_log_buffer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/base/atomic_file.h"

namespace fabric::logship {
namespace {

constexpr std::size_t kHeader = 8;

std::array<std::uint32_t, 256> makeCrcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

void putBe32(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

std::uint32_t getBe32(const char* p) {
  auto b = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) | (std::uint32_t(b[2]) << 8) |
         std::uint32_t(b[3]);
}

std::string errnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

// Reads [offset, offset+size) of a file; shorter when the file ends first.
std::string readRange(const std::filesystem::path& path, std::uint64_t offset, std::uint64_t size) {
  std::string out;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return out;
    throw std::runtime_error(errnoText("cannot open " + path.string()));
  }
  out.resize(size);
  std::size_t got = 0;
  while (got < size) {
    ssize_t n = ::pread(fd, out.data() + got, size - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      throw std::runtime_error(errnoText("cannot read " + path.string()));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.resize(got);
  return out;
}

// Walks whole, valid records of `data`; calls fn(line) for each; returns the bytes consumed.
template <typename Fn>
std::size_t walkRecords(const std::string& data, std::size_t max_lines, Fn&& fn) {
  std::size_t pos = 0, lines = 0;
  while (lines < max_lines && data.size() - pos >= kHeader) {
    std::uint32_t len = getBe32(data.data() + pos);
    std::uint32_t crc = getBe32(data.data() + pos + 4);
    if (len > DiskLogBuffer::kMaxLineBytes || data.size() - pos - kHeader < len) break;
    const char* payload = data.data() + pos + kHeader;
    if (crc32(payload, len) != crc) break;
    if (!fn(std::string_view(payload, len))) break;
    pos += kHeader + len;
    ++lines;
  }
  return pos;
}

}  // namespace

std::uint32_t crc32(const void* data, std::size_t size) {
  static const auto table = makeCrcTable();
  std::uint32_t c = 0xFFFFFFFFu;
  auto p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

DiskLogBuffer::DiskLogBuffer(std::filesystem::path dir, std::uint64_t max_pending_bytes,
                             std::uint64_t rotate_bytes)
    : dir_(std::move(dir)), max_pending_(max_pending_bytes), rotate_bytes_(rotate_bytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw std::runtime_error("cannot create " + dir_.string() + ": " + ec.message());
  recover();
}

std::filesystem::path DiskLogBuffer::segmentPath(const std::filesystem::path& dir, std::uint64_t n) {
  return dir / ("segment-" + std::to_string(n) + ".log");
}

void DiskLogBuffer::recover() {
  const auto committed_file = dir_ / "committed";
  if (auto text = readFile(committed_file)) {
    unsigned long long seg = 0, off = 0;
    if (std::sscanf(text->c_str(), "%llu %llu", &seg, &off) != 2) {
      throw std::runtime_error(committed_file.string() + " is corrupt: '" + *text + "'");
    }
    segment_ = seg;
    committed_ = off;
  }
  // Segments older than the committed one are leftovers of an interrupted rotation.
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    unsigned long long n = 0;
    auto name = entry.path().filename().string();
    if (std::sscanf(name.c_str(), "segment-%llu.log", &n) == 1 && n < segment_) {
      std::filesystem::remove(entry.path());
    }
  }
  const auto path = segmentPath(segment_);
  std::error_code ec;
  const std::uint64_t size = std::filesystem::exists(path) ? std::filesystem::file_size(path, ec) : 0;
  if (ec) throw std::runtime_error("cannot stat " + path.string() + ": " + ec.message());
  if (committed_ > size) {
    throw std::runtime_error(committed_file.string() + " points past the end of " + path.string());
  }
  std::string data = readRange(path, committed_, size - committed_);
  std::uint64_t lines = 0;
  std::size_t valid = walkRecords(data, SIZE_MAX, [&](std::string_view) { return ++lines, true; });
  end_ = committed_ + valid;
  pending_lines_ = lines;
  torn_bytes_ = size - end_;
  if (torn_bytes_ > 0) {
    // A record torn by a crash during append was never acknowledged: cut it off.
    if (::truncate(path.c_str(), static_cast<off_t>(end_)) != 0) {
      throw std::runtime_error(errnoText("cannot truncate torn tail of " + path.string()));
    }
  }
}

std::string DiskLogBuffer::stage(const std::vector<std::string>& lines, StagedAppend& out) {
  out = StagedAppend{};
  out.segment = segment_;
  out.offset = end_ + staged_bytes_;
  if (lines.empty()) return {};
  for (const auto& line : lines) {
    if (line.size() > kMaxLineBytes) {
      refused_lines_ += lines.size();
      return "log line of " + std::to_string(line.size()) + " bytes exceeds the " +
             std::to_string(kMaxLineBytes) + "-byte limit";
    }
    putBe32(out.records, static_cast<std::uint32_t>(line.size()));
    putBe32(out.records, crc32(line.data(), line.size()));
    out.records += line;
  }
  if (pendingBytes() + staged_bytes_ + out.records.size() > max_pending_) {
    refused_lines_ += lines.size();
    const auto waiting = pendingBytes() + staged_bytes_;
    out.records.clear();
    return "log buffer full (" + std::to_string(waiting) + " of " + std::to_string(max_pending_) +
           " bytes waiting for the analyzer); " + std::to_string(lines.size()) + " new line(s) refused";
  }
  out.bytes = out.records.size();
  out.lines = lines.size();
  staged_bytes_ += out.bytes;
  return {};
}

std::string DiskLogBuffer::writeStaged(const std::filesystem::path& dir, std::uint64_t segment, std::uint64_t offset,
                                       const std::string& records, SyncFn sync) {
  if (records.empty()) return {};
  if (!sync) sync = ::fsync;
  const auto path = segmentPath(dir, segment);
  const bool created = !std::filesystem::exists(path);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return errnoText("cannot open " + path.string());
  std::size_t done = 0;
  std::string err;
  while (done < records.size()) {
    ssize_t n = ::pwrite(fd, records.data() + done, records.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errnoText("cannot write " + path.string());
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (err.empty() && sync(fd) != 0) err = errnoText("cannot sync " + path.string());
  if (!err.empty()) {
    // Leave no partial batch behind: the caller is told nothing was accepted.
    if (::ftruncate(fd, static_cast<off_t>(offset)) != 0) { /* recover() cuts it on next open */ }
    ::close(fd);
    return err;
  }
  ::close(fd);
  if (created) {
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      sync(dfd);
      ::close(dfd);
    }
  }
  return {};
}

void DiskLogBuffer::finishStaged(const StagedAppend& staged, const std::string& write_error) {
  staged_bytes_ -= std::min(staged_bytes_, staged.bytes);
  if (!write_error.empty()) {
    refused_lines_ += staged.lines;
    return;
  }
  end_ += staged.bytes;
  pending_lines_ += staged.lines;
}

std::string DiskLogBuffer::append(const std::vector<std::string>& lines) {
  if (staged_bytes_ > 0) return "append while staged lines are still being written (use the writer thread)";
  StagedAppend staged;
  if (auto err = stage(lines, staged); !err.empty()) return err;
  if (staged.lines == 0) return {};
  auto err = writeStaged(dir_, staged.segment, staged.offset, staged.records);
  finishStaged(staged, err);
  return err;
}

LogBatch DiskLogBuffer::peek(std::size_t max_lines, std::size_t max_bytes) const {
  LogBatch batch;
  if (end_ == committed_ || max_lines == 0) return batch;
  std::uint64_t want = std::min<std::uint64_t>(end_ - committed_, max_bytes + kHeader + kMaxLineBytes);
  std::string data = readRange(segmentPath(segment_), committed_, want);
  std::size_t bytes = 0;
  std::size_t used = walkRecords(data, max_lines, [&](std::string_view line) {
    if (!batch.lines.empty() && bytes + line.size() > max_bytes) return false;
    bytes += line.size();
    batch.lines.emplace_back(line);
    return true;
  });
  batch.end_offset = committed_ + used;
  return batch;
}

std::string DiskLogBuffer::writeCommitted(std::uint64_t segment, std::uint64_t offset) {
  return writeFileAtomically(dir_ / "committed",
                             std::to_string(segment) + " " + std::to_string(offset) + "\n", 0600);
}

std::string DiskLogBuffer::commit(std::uint64_t end_offset) {
  if (end_offset <= committed_) return {};
  if (end_offset > end_) return "commit offset " + std::to_string(end_offset) + " is past the end";
  std::string data = readRange(segmentPath(segment_), committed_, end_offset - committed_);
  std::uint64_t lines = 0;
  std::size_t used = walkRecords(data, SIZE_MAX, [&](std::string_view) { return ++lines, true; });
  if (used != data.size()) return "commit offset " + std::to_string(end_offset) + " is not a record boundary";
  if (auto err = writeCommitted(segment_, end_offset); !err.empty()) return err;
  committed_ = end_offset;
  pending_lines_ -= lines;
  // Not while a staged batch is being written: it goes to the current segment.
  if (committed_ == end_ && end_ >= rotate_bytes_ && staged_bytes_ == 0) {
    // Start a fresh segment: record the switch first, then delete the old file (recover() deletes
    // it if a crash comes in between).
    if (auto err = writeCommitted(segment_ + 1, 0); !err.empty()) return {};
    std::filesystem::remove(segmentPath(segment_));
    ++segment_;
    committed_ = end_ = 0;
  }
  return {};
}

}  // namespace fabric::logship
