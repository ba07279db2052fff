// Writing JSON text: the one string escaper shared by the replay exchange's
// dialect encoders and the daemon's subscriber protocol.
#pragma once

#include <string>
#include <string_view>

namespace tickcast::feeds {

// Appends `value` to `out` as a JSON string literal: quoted, with '"' and
// '\\' escaped, \n \r \t as short escapes and every other control character
// below 0x20 as \u00XX. Bytes from 0x20 up are copied unchanged, so UTF-8
// passes through; the caller is responsible for `value` being valid UTF-8.
void append_json_string(std::string& out, std::string_view value);

// The same literal as a new string.
std::string json_string(std::string_view value);

}  // namespace tickcast::feeds
