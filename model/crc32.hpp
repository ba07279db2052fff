// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320): the checksum of zlib,
// gzip and PNG, so a checkpoint can be verified from Python with zlib.crc32.
#pragma once

#include <cstdint>
#include <string_view>

namespace tickcast::model {

// crc32("123456789") == 0xCBF43926. Pass a previous result as `crc` to extend.
std::uint32_t crc32(std::string_view bytes, std::uint32_t crc = 0);

}  // namespace tickcast::model
