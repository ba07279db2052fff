// How much slower the sanitizer builds run the same code, for waits that only
// guard against a hang.
#pragma once

namespace tickcast::test {

// The asan and tsan presets (-O0, every memory access or every shared access
// checked) run Asio/Beast loopback streams roughly 10 times slower than the
// release build. A wait whose bound only says "this should have happened by
// now" (a hang guard) scales by this factor there. Never scale a bound that
// is itself the behaviour under test (a promised latency or timeout).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr int kSlowBuildFactor = 10;
#else
inline constexpr int kSlowBuildFactor = 1;
#endif

}  // namespace tickcast::test
