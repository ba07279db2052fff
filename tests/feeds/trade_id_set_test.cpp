// TradeIdSet against a std::set of ids: every insert must agree on
// "new or duplicate", and the ranges must describe exactly the set.
#include "feeds/trade_id_set.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace tickcast::feeds {
namespace {

TEST(TradeIdSet, InOrderIdsStayOneRange) {
  TradeIdSet s;
  for (std::uint64_t id = 5; id < 1005; ++id) ASSERT_TRUE(s.insert(id));
  EXPECT_EQ(s.range_count(), 1u);
  EXPECT_FALSE(s.has_holes());
  EXPECT_EQ(s.min(), 5u);
  EXPECT_EQ(s.max(), 1004u);
  EXPECT_FALSE(s.insert(500));
}

TEST(TradeIdSet, FillingAHoleMergesRanges) {
  TradeIdSet s;
  ASSERT_TRUE(s.insert(1));
  ASSERT_TRUE(s.insert(3));
  EXPECT_TRUE(s.has_holes());
  ASSERT_TRUE(s.insert(2));
  EXPECT_FALSE(s.has_holes());
  ASSERT_TRUE(s.insert_range(7, 9));
  ASSERT_TRUE(s.insert_range(4, 6));
  EXPECT_EQ(s.range_count(), 1u);
  EXPECT_FALSE(s.insert_range(9, 12)) << "overlaps 9";
  EXPECT_EQ(s.max(), 9u) << "a refused range changes nothing";
}

TEST(TradeIdSet, AgreesWithStdSetOnRandomInserts) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; ++round) {
    TradeIdSet s;
    std::set<std::uint64_t> ref;
    for (int i = 0; i < 300; ++i) {
      const std::uint64_t first = 1000 + rng() % 200;
      const std::uint64_t last = first + (rng() % 4 == 0 ? rng() % 4 : 0);
      bool overlaps = false;
      for (std::uint64_t id = first; id <= last; ++id) overlaps |= ref.count(id) > 0;
      ASSERT_EQ(s.insert_range(first, last), !overlaps) << first << ".." << last;
      if (!overlaps) {
        for (std::uint64_t id = first; id <= last; ++id) ref.insert(id);
      }
    }
    for (std::uint64_t id = 990; id < 1220; ++id) ASSERT_EQ(s.contains(id), ref.count(id) > 0);
    std::size_t runs = 0;
    for (auto it = ref.begin(); it != ref.end(); ++it) {
      if (it == ref.begin() || *std::prev(it) + 1 != *it) ++runs;
    }
    EXPECT_EQ(s.range_count(), runs);
    EXPECT_EQ(s.min(), *ref.begin());
    EXPECT_EQ(s.max(), *ref.rbegin());
  }
}

}  // namespace
}  // namespace tickcast::feeds
