// `tickcast replay-exchange`: a local websocket server that impersonates an
// exchange (see feeds/replay_exchange.hpp), for the offline demo and tests.
//
// It prints "listening on ws://HOST:PORT" (or wss://) once bound, then serves
// until SIGINT/SIGTERM. Faults are injected by writing their names to its
// standard input, one per line: drop, stall, garbage, duplicate, skip,
// reconnect, oversized, reject.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>
#include <string>
#include <thread>

#include "daemon/arg_parser.hpp"
#include "daemon/subcommands.hpp"
#include "feeds/replay_exchange.hpp"

namespace tickcast::daemon {

int replay_exchange_main(std::span<const std::string_view> args) {
  ArgParser parser("replay-exchange",
                   "Serves an exchange's websocket protocol on a local port and streams trades\n"
                   "from FILE (a trades CSV or a file of raw frames) or, without --trades, a\n"
                   "seeded synthetic market. Write a fault name to stdin to inject it: drop,\n"
                   "stall, garbage, duplicate, skip, reconnect, oversized, reject.");
  parser.option("dialect", "NAME", "binance, coinbase, kraken, bitstamp, okx or bybit", {}, true);
  parser.option("trades", "FILE", "trades CSV or raw frames (default: synthetic stream)");
  parser.option("listen", "HOST:PORT", "address to listen on (port 0: any free port)",
                "127.0.0.1:9443");
  parser.option("speed", "X", "original spacing divided by X; 0 = as fast as clients read", "1");
  parser.flag("loop", "start the tape over at its end");
  parser.option("symbol", "SYMBOL", "symbol in the exchange's spelling (default: its BTC pair)");
  parser.option("symbols", "A,B,...",
                "play the trades tape once for each of these symbols (load tests); "
                "instead of --symbol");
  parser.option("clock", "wall|tape",
                "trade timestamps: the time sent (wall), or the tape's own times from the "
                "start, so exchange time runs --speed times faster (tape)",
                "wall");
  parser.option("seed", "N", "seed of the synthetic stream", "1");
  parser.option("tls-cert", "FILE", "PEM certificate chain: serve wss://");
  parser.option("tls-key", "FILE", "PEM private key for --tls-cert");
  if (auto exit_code = parser.parse_or_exit_code(args)) return *exit_code;
  auto fail = [](const std::string& message) {
    std::cerr << "tickcast replay-exchange: " << message << '\n';
    return 2;
  };

  feeds::ReplayOptions options;
  options.dialect = parser.get("dialect");
  options.trades_file = parser.get("trades");
  options.symbol = parser.get("symbol");
  if (const std::string list = parser.get("symbols"); !list.empty()) {
    if (!options.symbol.empty()) return fail("--symbol and --symbols exclude each other");
    std::size_t begin = 0;
    for (;;) {
      const std::size_t comma = list.find(',', begin);
      const std::string name = list.substr(begin, comma - begin);
      if (name.empty()) return fail("--symbols: empty name in '" + list + "'");
      if (options.symbol.empty()) {
        options.symbol = name;
      } else {
        options.extra_symbols.push_back(name);
      }
      if (comma == std::string::npos) break;
      begin = comma + 1;
    }
  }
  if (!feeds::parse_replay_clock(parser.get("clock"), options.clock)) {
    return fail("--clock must be wall or tape, not '" + parser.get("clock") + "'");
  }
  options.loop = parser.has("loop");
  options.tls_cert = parser.get("tls-cert");
  options.tls_key = parser.get("tls-key");
  const std::string listen = parser.get("listen");
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return fail("--listen must be HOST:PORT, not '" + listen + "'");
  options.listen_address = listen.substr(0, colon);
  try {
    const unsigned long port = std::stoul(listen.substr(colon + 1));
    if (port > 65535) return fail("--listen: port out of range: " + listen);
    options.port = static_cast<std::uint16_t>(port);
    options.speed = std::stod(parser.get("speed"));
    options.seed = std::stoull(parser.get("seed"));
  } catch (const std::exception&) {
    return fail("--listen, --speed and --seed must be numbers");
  }

  boost::asio::io_context ioc;
  std::string error;
  auto exchange = feeds::ReplayExchange::create(ioc, options, error);
  if (!exchange) return fail(error);
  exchange->start();
  std::cout << "listening on " << (options.tls_cert.empty() ? "ws://" : "wss://")
            << options.listen_address << ":" << exchange->port() << std::endl;

  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int) {
    exchange->stop();
    ioc.stop();
  });
  // Fault commands from stdin; EOF just ends the commands, not the server.
  std::thread commands([&] {
    std::string line;
    while (std::getline(std::cin, line)) {
      feeds::ReplayFault fault;
      if (feeds::parse_replay_fault(line, fault)) {
        exchange->inject(fault);
        std::cerr << "tickcast replay-exchange: injected " << line << '\n';
      } else if (!line.empty()) {
        std::cerr << "tickcast replay-exchange: unknown command '" << line << "'\n";
      }
    }
  });
  commands.detach();
  ioc.run();
  return 0;
}

}  // namespace tickcast::daemon
