// Opens tickcast's live page in a real browser (Debian's chromium, headless,
// driven by playwright-core from daemon/live_page/package-lock.json) and
// checks that it works: the uPlot chart appears, it and the numbers beside
// it update as bars and forecasts arrive, nothing is fetched from anywhere
// but the daemon, and the page logs no errors. Exits non-zero with the
// reason on stderr otherwise. Run by tests/daemon/live_page_test.cpp against
// the real binary on the replay exchange.
//
//   node live_page_browser.js URL KEY OUT_DIR
//
// URL: the page (http://127.0.0.1:PORT/, maybe with ?token=); KEY: the symbol
// box to watch ("binance:BTCUSDT"); OUT_DIR: the browser profile and the
// screenshot go there.
"use strict";
const {chromium} = require("playwright-core");
const fs = require("fs");
const path = require("path");

const [url, key, outDir] = process.argv.slice(2);
const problems = [];  // console errors, page errors, foreign requests

function check(condition, what) {
  if (!condition) throw new Error(what);
}

// The symbol box's numbers, and a digest of what its chart canvas shows.
async function sample(page) {
  return page.evaluate(k => {
    const box = document.querySelector(`.sym[data-key="${k}"]`);
    const canvas = box && box.querySelector(".uplot canvas");
    if (!canvas) return null;
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0, digest = 0;
    for (let i = 3; i < pixels.length; i += 4) {
      if (pixels[i] === 0) continue;
      inked++;
      digest = (digest * 31 + i + pixels[i - 1] + pixels[i - 2] * 7 + pixels[i - 3] * 13) >>> 0;
    }
    const text = name => box.querySelector("." + name + " .v").textContent;
    return {
      points: Number(box.dataset.points || 0),
      price: text("price"), forecast: text("forecast"), interval: text("interval"),
      model: text("model"), skill: text("skill"), coverage: text("coverage"), feed: text("feed"),
      inked, digest,
    };
  }, key);
}

async function main() {
  const origin = new URL(url).origin;
  const context = await chromium.launchPersistentContext(path.join(outDir, "profile"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: {width: 1000, height: 700},
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await context.newPage();
    page.on("console", m => { if (m.type() === "error") problems.push("console error: " + m.text()); });
    page.on("pageerror", e => problems.push("page error: " + e.message));
    // Works offline: anything not asked of the daemon is refused and reported.
    await page.route("**/*", route => {
      const target = route.request().url();
      if (target.startsWith(origin + "/") || target.startsWith("data:")) return route.continue();
      problems.push("request outside the daemon: " + target);
      return route.abort();
    });

    const response = await page.goto(url);
    check(response.status() === 200, "GET / answered " + response.status());
    await page.waitForSelector(`.sym[data-key="${key}"] .uplot canvas`, {timeout: 20000});

    // The first sample with a few points drawn, then a later one.
    let first = null;
    for (let i = 0; i < 40 && !(first && first.points >= 3); i++) {
      await page.waitForTimeout(500);
      first = await sample(page);
    }
    check(first && first.points >= 3, "fewer than 3 chart points after 20 s: " + JSON.stringify(first));
    let last = first;
    for (let i = 0; i < 30 && !(last.points >= first.points + 3 && last.price !== first.price); i++) {
      await page.waitForTimeout(500);
      last = await sample(page);
    }
    console.log("first: " + JSON.stringify(first));
    console.log("later: " + JSON.stringify(last));

    check(last.points >= first.points + 3, "the chart did not grow by 3 points in 15 s");
    check(last.price !== first.price, "the price stayed " + first.price);
    check(last.inked > 1000, "the chart canvas is (nearly) blank: " + last.inked + " pixels drawn");
    check(last.digest !== first.digest, "the chart canvas did not change");
    const number = /^-?[0-9]+\.[0-9]+$/;
    check(number.test(last.price), "price is not a number: " + last.price);
    check(number.test(last.forecast), "forecast is not a number: " + last.forecast);
    check(/^\[[0-9.]+, [0-9.]+\] at 90%$/.test(last.interval), "interval: " + last.interval);
    check(/^v[0-9]+/.test(last.model), "model: " + last.model);
    check(number.test(last.coverage), "coverage is not a number: " + last.coverage);
    check(number.test(last.skill), "skill is not a number: " + last.skill);
    check(last.feed === "up", "feed: " + last.feed);
    check((await page.textContent("#conn")).startsWith("connected"), "not connected");

    await page.screenshot({path: path.join(outDir, "live_page.png"), fullPage: true});
  } finally {
    await context.close();
  }
  check(problems.length === 0, problems.join("\n"));
}

main().then(() => console.log("ok"), e => {
  console.error(String(e.stack || e));
  process.exit(1);
});
