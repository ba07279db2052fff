// Counting every heap allocation of a test binary, for tests that prove a
// hot path allocates nothing. Link counting_allocator.cpp into that binary
// (and only that one): it replaces the global allocation functions.
#pragma once

namespace tickcast::test {

// Allocations (every form of operator new) since the program started.
long allocation_count();

}  // namespace tickcast::test
