// The price band on its own: which prices it refuses, when it follows a real
// move, and what it hands back when it does.
#include "feeds/price_band.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace tickcast::feeds {
namespace {

using Verdict = PriceBand::Verdict;

Trade priced(std::uint64_t id, double price) {
  Trade t;
  t.trade_id = id;
  t.price = price;
  return t;
}

TEST(PriceBand, TheFirstTradeSetsTheAnchorAndTheBandIsAFactorEachWay) {
  PriceBand band(10, 5);
  EXPECT_EQ(band.anchor_price(), 0);
  EXPECT_EQ(band.check(priced(1, 100)), Verdict::kInBand);
  EXPECT_EQ(band.anchor_price(), 100);
  EXPECT_EQ(band.check(priced(2, 1000)), Verdict::kInBand) << "exactly the factor is in";
  EXPECT_EQ(band.check(priced(3, 100)), Verdict::kInBand);
  EXPECT_EQ(band.check(priced(4, 10)), Verdict::kInBand);
  EXPECT_EQ(band.check(priced(5, 100.0001)), Verdict::kOutlier) << "more than 10x of 10";
  EXPECT_EQ(band.check(priced(6, 0.999)), Verdict::kOutlier);
  EXPECT_EQ(band.anchor_price(), 10) << "outliers do not move the anchor";
}

TEST(PriceBand, AbsurdPricesAreOutliers) {
  PriceBand band(10, 5);
  band.anchor(60'000);
  for (double p : {1e300, 1e-300, 1e7, 5'000.0}) {
    EXPECT_EQ(band.check(priced(1, p)), Verdict::kOutlier) << p;
  }
}

TEST(PriceBand, AgreeingOutliersInARowMoveTheBandAndAreHandedBack) {
  PriceBand band(10, 3);
  band.anchor(60'000);
  EXPECT_EQ(band.check(priced(1, 600)), Verdict::kOutlier);
  EXPECT_EQ(band.check(priced(2, 590)), Verdict::kOutlier);
  EXPECT_EQ(band.check(priced(3, 610)), Verdict::kReanchored);
  ASSERT_EQ(band.held().size(), 3u);
  EXPECT_EQ(band.held()[0].trade_id, 1u);
  EXPECT_EQ(band.held()[2].trade_id, 3u);
  EXPECT_EQ(band.anchor_price(), 610);
  EXPECT_EQ(band.check(priced(4, 605)), Verdict::kInBand);
  EXPECT_TRUE(band.held().empty()) << "handed out once";
  EXPECT_EQ(band.check(priced(5, 60'000)), Verdict::kOutlier) << "the old level is now far";
}

TEST(PriceBand, AGoodTradeInBetweenMeansTheOutliersWereBadPrints) {
  PriceBand band(10, 3);
  band.anchor(60'000);
  for (std::uint64_t id = 1; id <= 30; id += 3) {
    EXPECT_EQ(band.check(priced(id, 1e9)), Verdict::kOutlier);
    EXPECT_EQ(band.check(priced(id + 1, 1e9)), Verdict::kOutlier);
    EXPECT_EQ(band.check(priced(id + 2, 60'010)), Verdict::kInBand);
  }
  EXPECT_EQ(band.anchor_price(), 60'010);
}

TEST(PriceBand, OutliersThatDisagreeWithEachOtherNeverMoveTheBand) {
  PriceBand band(10, 3);
  band.anchor(60'000);
  for (std::uint64_t id = 1; id <= 20; ++id) {
    EXPECT_EQ(band.check(priced(id, id % 2 == 0 ? 1e300 : 1e-300)), Verdict::kOutlier) << id;
  }
  EXPECT_EQ(band.anchor_price(), 60'000);
}

TEST(PriceBand, TheSamePrintSentAgainIsNoSecondOpinion) {
  PriceBand band(10, 3);
  band.anchor(60'000);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(band.check(priced(7, 1e9)), Verdict::kOutlier);
  EXPECT_EQ(band.check(priced(8, 1e9)), Verdict::kOutlier);
  EXPECT_EQ(band.check(priced(9, 1e9)), Verdict::kReanchored);
  EXPECT_EQ(band.held().size(), 3u);
}

TEST(PriceBand, ABadFirstTradeIsCorrectedByTheRealPrice) {
  PriceBand band(10, 5);
  EXPECT_EQ(band.check(priced(1, 1e300)), Verdict::kInBand) << "nothing to compare with yet";
  Verdict last = Verdict::kInBand;
  for (std::uint64_t id = 2; id <= 6; ++id) last = band.check(priced(id, 60'000));
  EXPECT_EQ(last, Verdict::kReanchored);
  EXPECT_EQ(band.anchor_price(), 60'000);
}

TEST(PriceBand, RatioZeroTurnsItOff) {
  PriceBand band(0, 5);
  band.anchor(60'000);
  EXPECT_EQ(band.check(priced(1, 1e300)), Verdict::kInBand);
  EXPECT_EQ(band.check(priced(2, 1e-300)), Verdict::kInBand);
}

TEST(PriceBand, AnAnchorThatIsNoPriceIsIgnored) {
  PriceBand band(10, 5);
  band.anchor(0);
  band.anchor(-5);
  band.anchor(std::numeric_limits<double>::infinity());
  EXPECT_EQ(band.anchor_price(), 0);
}

}  // namespace
}  // namespace tickcast::feeds
