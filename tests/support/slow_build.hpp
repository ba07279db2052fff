// Which sanitizer a test is built with, and how much slower that makes it,
// for waits that only guard against a hang.
#pragma once

// g++ says so with __SANITIZE_ADDRESS__ / __SANITIZE_THREAD__; clang (the
// asan and tsan presets' compiler) only through __has_feature.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TICKCAST_TEST_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define TICKCAST_TEST_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(TICKCAST_TEST_ASAN)
#define TICKCAST_TEST_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__) && !defined(TICKCAST_TEST_TSAN)
#define TICKCAST_TEST_TSAN 1
#endif

namespace tickcast::test {

#if defined(TICKCAST_TEST_ASAN)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#if defined(TICKCAST_TEST_TSAN)
inline constexpr bool kThreadSanitizer = true;
#else
inline constexpr bool kThreadSanitizer = false;
#endif

// The asan and tsan presets: -O0 outside model/, every memory access or
// every shared access checked. Tests that would take minutes there do less
// work (a smaller flood, a smaller model, a shorter soak) when this is set.
inline constexpr bool kSanitizerBuild = kAddressSanitizer || kThreadSanitizer;

// Those builds run Asio/Beast loopback streams roughly 10 times slower than
// the release build. A wait whose bound only says "this should have happened
// by now" (a hang guard) scales by this factor there. Never scale a bound
// that is itself the behaviour under test (a promised latency or timeout).
inline constexpr int kSlowBuildFactor = kSanitizerBuild ? 10 : 1;

}  // namespace tickcast::test
