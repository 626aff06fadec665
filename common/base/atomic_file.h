#pragma once
// Durable whole-file replacement: write to a temporary file in the same directory, fsync it,
// rename it over the target and fsync the directory. A kill -9 at any point leaves either the old
// file or the new one, never a torn mix.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace fabric {

// Replaces `path` with `contents`. Returns an empty string on success, else a message naming the
// failing step and errno text. `mode` is applied to the new file (secrets files use 0600).
std::string writeFileAtomically(const std::filesystem::path& path, std::string_view contents,
                                unsigned mode = 0644);

// Reads a whole file; nullopt when it cannot be opened.
std::optional<std::string> readFile(const std::filesystem::path& path);

}  // namespace fabric
