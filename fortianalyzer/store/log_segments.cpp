#include "fortianalyzer/store/log_segments.h"

#include <fcntl.h>
#include <lz4.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <vector>

#include "fortianalyzer/store/log_block.h"
#include "fortianalyzer/store/retention.h"

namespace fabric::faz {
namespace {

std::string errnoText() { return std::strerror(errno); }

// The segment number of a file name "NNNNNNNN.seg"; -1 for any other name.
std::int64_t segmentNumber(const std::string& name) {
  if (name.size() < 5 || name.compare(name.size() - 4, 4, ".seg") != 0) return -1;
  std::int64_t n = -1;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size() - 4, n);
  if (ec != std::errc() || end != name.data() + name.size() - 4 || n < 1) return -1;
  return n;
}

std::int64_t metaInt(SqliteDb& db, std::string_view key) {
  auto st = db.prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key=?1");
  st.bindText(1, key);
  return st.step() ? st.columnInt(0) : 0;
}

void setMetaInt(SqliteDb& db, std::string_view key, std::int64_t value) {
  auto st = db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
  st.bindText(1, key);
  std::string text = std::to_string(value);
  st.bindText(2, text);
  st.step();
}

}  // namespace

std::string segmentDir(const std::string& dbPath) { return dbPath + ".segments"; }

std::string segmentDir(SqliteDb& db) {
  const char* name = sqlite3_db_filename(db.handle(), "main");
  return segmentDir(std::string(name ? name : ""));
}

std::string segmentPath(const std::string& dir, std::int64_t seg) {
  char name[32];
  std::snprintf(name, sizeof name, "/%08lld.seg", static_cast<long long>(seg));
  return dir + name;
}

SegmentWriter::SegmentWriter(std::string dir, std::int64_t firstSeg)
    : dir_(std::move(dir)), seg_(firstSeg), syncedBelow_(firstSeg) {}

SegmentWriter::~SegmentWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void SegmentWriter::openCurrent() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  std::string path = segmentPath(dir_, seg_);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw SqliteError("cannot open log segment '" + path + "': " + errnoText());
  struct stat st{};
  if (::fstat(fd_, &st) != 0) throw SqliteError("cannot stat log segment '" + path + "': " + errnoText());
  size_ = st.st_size;
}

SegmentRef SegmentWriter::append(std::string_view bytes) {
  if (fd_ >= 0 && size_ > 0 && size_ + static_cast<std::int64_t>(bytes.size()) > kSegmentMaxBytes) {
    ::close(fd_);
    fd_ = -1;
    seg_.store(seg_.load() + 1);
  }
  if (fd_ < 0) openCurrent();
  SegmentRef ref{seg_.load(), size_, static_cast<std::int64_t>(bytes.size())};
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done,
                         static_cast<off_t>(size_ + static_cast<std::int64_t>(done)));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      throw SqliteError("cannot write log segment '" + segmentPath(dir_, ref.seg) +
                        "': " + (n < 0 ? errnoText() : std::string("short write")));
    }
    done += static_cast<std::size_t>(n);
  }
  size_ += ref.len;
  return ref;
}

void SegmentWriter::rollBack(SegmentRef pos) {
  if (fd_ >= 0 && pos.seg == seg_.load() && pos.off < size_) {
    if (::ftruncate(fd_, static_cast<off_t>(pos.off)) == 0) size_ = pos.off;
  }
}

void SegmentWriter::sync() {
  std::lock_guard lk(syncMutex_);
  std::int64_t cur = seg_.load();
  std::int64_t from = syncedBelow_.load();
  for (std::int64_t s = from; s <= cur; ++s) {
    int fd = ::open(segmentPath(dir_, s).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;  // not created yet, or retention deleted it
    ::fdatasync(fd);
    ::close(fd);
  }
  if (cur > dirSynced_) {
    // New files: make their directory entries durable too.
    int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
    dirSynced_ = cur;
  }
  syncedBelow_.store(cur);
}

SegmentReader::~SegmentReader() {
  for (auto& [seg, fd] : fds_) ::close(fd);
}

bool SegmentReader::read(const SegmentRef& ref, std::string& out) {
  out.clear();
  if (ref.seg < 1 || ref.off < 0 || ref.len < 0 || ref.len > kSegmentBlockMaxBytes) return false;
  int fd;
  auto it = fds_.find(ref.seg);
  if (it != fds_.end()) {
    fd = it->second;
  } else {
    fd = ::open(segmentPath(dir_, ref.seg).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    if (fds_.size() >= 16) {
      ::close(fds_.begin()->second);
      fds_.erase(fds_.begin());
    }
    fds_.emplace(ref.seg, fd);
  }
  out.resize(static_cast<std::size_t>(ref.len));
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd, out.data() + done, out.size() - done,
                        static_cast<off_t>(ref.off + static_cast<std::int64_t>(done)));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      out.clear();
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

void encodeSegmentFrame(std::string_view block, std::string& out) {
  auto n = static_cast<std::uint32_t>(block.size());
  char header[5] = {static_cast<char>(kCodecLz4), static_cast<char>(n & 0xff),
                    static_cast<char>((n >> 8) & 0xff), static_cast<char>((n >> 16) & 0xff),
                    static_cast<char>((n >> 24) & 0xff)};
  int bound = LZ4_compressBound(static_cast<int>(block.size()));
  out.resize(5 + static_cast<std::size_t>(bound));
  int packed = bound > 0 ? LZ4_compress_default(block.data(), out.data() + 5,
                                                static_cast<int>(block.size()), bound)
                         : 0;
  if (packed <= 0 || static_cast<std::size_t>(packed) >= block.size()) {
    header[0] = static_cast<char>(kCodecRaw);
    out.resize(5);
    out.append(block);
  } else {
    out.resize(5 + static_cast<std::size_t>(packed));
  }
  std::memcpy(out.data(), header, 5);
}

bool decodeSegmentFrame(std::string_view frame, std::string& out) {
  out.clear();
  if (frame.size() < 5) return false;
  std::uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(frame[1 + i])) << (8 * i);
  std::string_view payload = frame.substr(5);
  switch (static_cast<std::uint8_t>(frame[0])) {
    case kCodecRaw:
      if (payload.size() != n) return false;
      out.assign(payload);
      return true;
    case kCodecLz4: {
      // LZ4 expands at most ~255x; a larger claim is damage (and would be a huge allocation).
      if (n > kSegmentBlockMaxBytes || n / 255 > payload.size()) return false;
      out.resize(n);
      int got = LZ4_decompress_safe(payload.data(), out.data(), static_cast<int>(payload.size()),
                                    static_cast<int>(n));
      if (got < 0 || static_cast<std::uint32_t>(got) != n) {
        out.clear();
        return false;
      }
      return true;
    }
    default:
      return false;
  }
}

bool SegmentReader::readBlock(const SegmentRef& ref, std::string& out) {
  out.clear();
  return read(ref, frame_) && decodeSegmentFrame(frame_, out);
}

bool readBlockColumns(Statement& st, int col, SegmentReader& reader, std::string& out) {
  if (st.columnIsNull(col + 1)) {
    out.assign(st.columnText(col));
    return true;
  }
  return reader.readBlock({st.columnInt(col + 1), st.columnInt(col + 2), st.columnInt(col + 3)}, out);
}

SegmentRecovery recoverSegments(SqliteDb& db, bool validate) {
  SegmentRecovery result;
  std::string dir = segmentDir(db);
  std::int64_t syncedBelow = metaInt(db, "segments_synced_below");
  // Blocks whose bytes did not survive a power loss: decoded once, dropped when damaged.
  if (validate) {
    std::vector<std::int64_t> damaged;
    {
      auto st = db.prepare("SELECT first_id, count, data, seg, seg_off, seg_len FROM blocks "
                           "WHERE seg >= ?1 ORDER BY first_id");
      st.bindInt(1, syncedBelow);
      SegmentReader reader(dir);
      std::string bytes;
      std::vector<StoredLogView> logs;
      while (st.step()) {
        std::int64_t first = st.columnInt(0);
        bool ok = readBlockColumns(st, 2, reader, bytes) && decodeBlock(bytes, first, logs) &&
                  static_cast<std::int64_t>(logs.size()) == st.columnInt(1);
        if (!ok) damaged.push_back(first);
      }
    }
    if (!damaged.empty()) {
      db.exec("BEGIN IMMEDIATE");
      try {
        for (std::int64_t first : damaged) dropBlock(db, first);
        db.exec("COMMIT");
      } catch (...) {
        sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
      }
    }
    result.blocks_dropped = static_cast<std::int64_t>(damaged.size());
  }
  // Where each referenced segment ends.
  std::map<std::int64_t, std::int64_t> ends;
  {
    auto st = db.prepare("SELECT seg, max(seg_off + seg_len) FROM blocks WHERE seg IS NOT NULL "
                         "GROUP BY seg");
    while (st.step()) ends[st.columnInt(0)] = st.columnInt(1);
  }
  std::int64_t next = std::max<std::int64_t>(1, metaInt(db, "next_segment"));
  if (!ends.empty()) next = std::max(next, ends.rbegin()->first + 1);
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      std::int64_t n = segmentNumber(entry.path().filename().string());
      if (n < 0) continue;
      next = std::max(next, n + 1);
      auto it = ends.find(n);
      std::error_code fe;
      if (it == ends.end()) {
        std::filesystem::remove(entry.path(), fe);  // no block refers to it
      } else if (static_cast<std::int64_t>(std::filesystem::file_size(entry.path(), fe)) > it->second &&
                 !fe) {
        std::filesystem::resize_file(entry.path(), static_cast<std::uintmax_t>(it->second), fe);
      }
    }
  }
  // Bytes of the segments written before this open may still be only in the page cache (after a
  // kill -9): sync them now, so only the segments from `next` on can hold unsynced bytes.
  for (const auto& [seg, end] : ends) {
    if (seg < syncedBelow) continue;
    int fd = ::open(segmentPath(dir, seg).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ::fdatasync(fd);
    ::close(fd);
  }
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  setMetaInt(db, "next_segment", next + 1);
  setMetaInt(db, "segments_synced_below", next);
  result.first_segment = next;
  return result;
}

void releaseSegmentRanges(SqliteDb& db, const std::vector<SegmentRef>& ranges, std::int64_t active) {
  if (ranges.empty()) return;
  std::string dir = segmentDir(db);
  std::set<std::int64_t> segs;
  for (const SegmentRef& r : ranges) segs.insert(r.seg);
  auto used = db.prepare("SELECT 1 FROM blocks WHERE seg=?1 LIMIT 1");
  for (std::int64_t seg : segs) {
    std::string path = segmentPath(dir, seg);
    used.bindInt(1, seg);
    bool inUse = used.step();
    used.reset();
    if (!inUse && seg != active) {
      ::unlink(path.c_str());
      continue;
    }
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) continue;
    for (const SegmentRef& r : ranges) {
      if (r.seg != seg || r.len <= 0) continue;
      // Best effort: a file system without hole punching keeps the bytes until the file goes.
      ::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(r.off),
                  static_cast<off_t>(r.len));
    }
    ::close(fd);
  }
}

}  // namespace fabric::faz
