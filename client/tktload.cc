// tktload: a closed-loop load generator for ticketd (and for the baseline servers of
// tests/bench/baseline_server.cc, which answer CreateTicket the same way). Keeps
// --concurrency calls in flight over --channels connections with gRPC's callback API (no
// thread per call), for --warmup then --duration, and prints one JSON line: ok and error
// counts by status code, rate, latency percentiles and the client's CPU time. Replies are
// not parsed unless --parse_replies (the generator shares the machine with the server).
//
//   tktload --addr=127.0.0.1:50051 --token=... --scenario=create --concurrency=64
//
// Scenarios: create (unique request ids), comment (AddComment on tickets created during
// setup), list (a page of 50 of a filtered ListTickets), mixed (create, comment, list and
// technicians' work queues by --mix weights, with --watchers WatchAlerts streams open), and
// timers (against a --test_clock server: tickets falling due together, then how long until
// every alert is stored and streamed). docs/performance.md.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/proto_buffer_writer.h"
#include "ticketing/v1/account.grpc.pb.h"
#include "ticketing/v1/admin_service.grpc.pb.h"
#include "ticketing/v1/alert.grpc.pb.h"
#include "ticketing/v1/ticket_service.grpc.pb.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:50051", "server address");
ABSL_FLAG(std::string, token, "", "bearer token (an agent's)");
ABSL_FLAG(std::string, scenario, "create", "create, comment or list");
ABSL_FLAG(int, concurrency, 64, "calls in flight");
ABSL_FLAG(int, channels, 8, "connections");
ABSL_FLAG(double, duration, 5, "seconds measured");
ABSL_FLAG(double, warmup, 1, "seconds run before measuring");
ABSL_FLAG(int, setup_tickets, 200, "tickets created first for the comment scenario");
ABSL_FLAG(std::string, label, "", "a name for this run in the JSON line");
ABSL_FLAG(std::string, mix, "create:20,comment:50,list:15,queue:15",
          "mixed: weights of create, comment, list and queue (a technician's work queue)");
ABSL_FLAG(std::string, technicians, "tom",
          "comment, mixed: technicians (comma-separated) the setup tickets are assigned to");
ABSL_FLAG(int, watchers, 2, "mixed: WatchAlerts streams held open during the run");
ABSL_FLAG(std::string, admin_token, "", "timers: an admin's token (AdvanceTestClock)");
ABSL_FLAG(int, tickets, 1000, "timers: tickets whose clocks fall due together");
ABSL_FLAG(std::string, advance, "168h", "timers: how far to move the test clock");
ABSL_FLAG(bool, parse_replies, false,
          "parse every reply into its message (as a real client would; costs client CPU, "
          "which on a shared machine is taken from the server)");

namespace ticketing::load {
namespace {


double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout = absl::Seconds(30)) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (const std::string token = absl::GetFlag(FLAGS_token); !token.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  }
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

const std::vector<std::string>& Technicians() {
  static const auto* names = new std::vector<std::string>(
      absl::StrSplit(absl::GetFlag(FLAGS_technicians), ',', absl::SkipEmpty()));
  return *names;
}

v1::CreateTicketRequest CreateRequest(const std::string& request_id, int account) {
  v1::CreateTicketRequest request;
  request.set_request_id(request_id);
  v1::Ticket& t = *request.mutable_ticket();
  t.set_kind(v1::TICKET_KIND_REPAIR);
  t.set_account_id(absl::StrCat("load-", account % 50));
  t.set_summary("Printer jams on every page");
  t.set_description("Paper jams in tray 2 after about ten pages; cleaned the rollers, no change.");
  t.mutable_contact()->set_name("Wang Wei");
  t.mutable_contact()->set_phone("+86 571 8888 0000");
  t.set_product("LJ-5200");
  t.set_queue(absl::StrCat("team-", account % 5));
  t.set_region("cn/zhejiang/hangzhou");
  return request;
}

// The weighted choice of the mixed scenario ("create:20,comment:50,...").
class Mix {
 public:
  explicit Mix(const std::string& spec) {
    for (absl::string_view part : absl::StrSplit(spec, ',', absl::SkipEmpty())) {
      std::pair<std::string, std::string> kv = absl::StrSplit(part, ':');
      int weight = 0;
      if (!absl::SimpleAtoi(kv.second, &weight) || weight < 0) continue;
      total_ += weight;
      cumulative_.emplace_back(total_, kv.first);
    }
  }
  bool valid() const { return total_ > 0; }
  // Deterministic in `n`, spread by a multiplicative hash.
  const std::string& Pick(int64_t n) const {
    const int64_t x = static_cast<int64_t>((static_cast<uint64_t>(n) * 11400714819323198485ull) >> 33) % total_;
    for (const auto& [limit, kind] : cumulative_) {
      if (x < limit) return kind;
    }
    return cumulative_.back().second;
  }

 private:
  int64_t total_ = 0;
  std::vector<std::pair<int64_t, std::string>> cumulative_;
};

// What every in-flight slot records; a slot's calls run one after another, so no lock.
struct Slot {
  std::vector<double> latencies_ms;
  std::map<int, int64_t> codes;
  int64_t sequence = 0;
};

class Run {
 public:
  Run(std::vector<std::shared_ptr<grpc::Channel>> channels, std::vector<std::string> tickets)
      : channels_(channels), tickets_(std::move(tickets)) {
    for (auto& channel : channels) generic_.push_back(std::make_unique<grpc::GenericStub>(channel));
  }

  // Runs warm-up then the measured window; returns the JSON line.
  std::string Go() {
    const int concurrency = absl::GetFlag(FLAGS_concurrency);
    slots_.resize(concurrency);
    start_ = absl::Now();
    measure_from_ = start_ + absl::Seconds(absl::GetFlag(FLAGS_warmup));
    stop_at_ = measure_from_ + absl::Seconds(absl::GetFlag(FLAGS_duration));
    const double cpu_start = CpuSeconds();
    double cpu_at_measure = cpu_start;
    running_ = concurrency;
    if (absl::GetFlag(FLAGS_scenario) == "mixed") StartWatchers();
    for (int i = 0; i < concurrency; ++i) Issue(i);
    absl::SleepFor(measure_from_ - absl::Now());
    cpu_at_measure = CpuSeconds();
    done_.WaitForNotification();
    StopWatchers();
    return Report(CpuSeconds() - cpu_at_measure);
  }

 private:
  // Starts slot `i`'s next call, or retires the slot when the run is over.
  void Issue(int i) {
    if (absl::Now() >= stop_at_) {
      if (--running_ == 0) done_.Notify();
      return;
    }
    Slot& slot = slots_[i];
    const int64_t n = ++slot.sequence;
    const std::string scenario = absl::GetFlag(FLAGS_scenario);
    const std::string kind = scenario == "mixed" ? mix_.Pick(i * 1000003 + n) : scenario;
    if (kind == "queue") {
      v1::ListWorkQueueRequest request;
      request.set_assignee(Technicians()[n % Technicians().size()]);
      request.set_page_size(50);
      Call<v1::ListWorkQueueResponse>(i, "ListWorkQueue", request);
    } else if (kind == "create") {
      Call<v1::Ticket>(i, "CreateTicket", CreateRequest(absl::StrCat(run_id_, "-", i, "-", n), i));
    } else if (kind == "comment") {
      v1::AddCommentRequest request;
      request.set_ticket_id(tickets_[(i * 7919 + n) % tickets_.size()]);
      request.set_body("Called the customer: the part arrives tomorrow morning.");
      Call<v1::AddCommentResponse>(i, "AddComment", request);
    } else {
      v1::ListTicketsRequest request;
      request.set_queue(absl::StrCat("team-", n % 5));
      request.add_statuses(v1::TICKET_STATUS_NEW);
      request.set_page_size(50);
      Call<v1::ListTicketsResponse>(i, "ListTickets", request);
    }
  }

  // Sends `request` to TicketService.`method` as bytes and, when the call ends, records it
  // and starts the slot's next one. The reply stays bytes unless --parse_replies: the
  // generator's CPU is the server's competitor on a shared machine.
  template <typename Response, typename Request>
  void Call(int i, absl::string_view method, const Request& request) {
    auto context = Context(absl::Seconds(10));
    grpc::ClientContext* raw = context.release();
    auto* sent_bytes = new grpc::ByteBuffer;
    bool own_buffer = false;
    grpc::GenericSerialize<grpc::ProtoBufferWriter, Request>(request, sent_bytes, &own_buffer);
    auto* reply = new grpc::ByteBuffer;
    const absl::Time sent = absl::Now();
    generic_[i % generic_.size()]->UnaryCall(
        raw, absl::StrCat("/ticketing.v1.TicketService/", method), grpc::StubOptions(),
        sent_bytes, reply, [this, i, raw, sent, sent_bytes, reply](grpc::Status status) {
          if (status.ok() && absl::GetFlag(FLAGS_parse_replies)) {
            Response parsed;
            status = grpc::GenericDeserialize<grpc::ProtoBufferReader, Response>(reply, &parsed);
          }
          delete raw;
          delete sent_bytes;
          delete reply;
          Record(i, sent, status);
          Issue(i);
        });
  }

  // Supervisors' consoles: WatchAlerts streams read on their own threads while the load runs.
  void StartWatchers() {
    for (int w = 0; w < absl::GetFlag(FLAGS_watchers); ++w) {
      auto context = Context(absl::Hours(1));
      grpc::ClientContext* raw = context.get();
      watch_contexts_.push_back(std::move(context));
      watch_threads_.emplace_back([this, raw, w] {
        auto alerts = v1::AlertService::NewStub(channels_[w % channels_.size()]);
        v1::WatchAlertsRequest request;
        request.set_from_sequence(0);
        auto reader = alerts->WatchAlerts(raw, request);
        v1::Alert alert;
        while (reader->Read(&alert)) ++alerts_streamed_;
        reader->Finish();
      });
    }
  }
  void StopWatchers() {
    for (auto& context : watch_contexts_) context->TryCancel();
    for (std::thread& t : watch_threads_) t.join();
  }

  void Record(int i, absl::Time sent, const grpc::Status& status) {
    const absl::Time now = absl::Now();
    if (sent < measure_from_ || now > stop_at_) return;  // warm-up, or past the window
    Slot& slot = slots_[i];
    ++slot.codes[status.error_code()];
    if (status.ok()) slot.latencies_ms.push_back(absl::ToDoubleMilliseconds(now - sent));
  }

  std::string Report(double cpu_s) {
    std::vector<double> all;
    std::map<int, int64_t> codes;
    for (const Slot& slot : slots_) {
      all.insert(all.end(), slot.latencies_ms.begin(), slot.latencies_ms.end());
      for (const auto& [code, n] : slot.codes) codes[code] += n;
    }
    std::sort(all.begin(), all.end());
    const auto at = [&](double q) {
      return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(q * all.size()))];
    };
    std::string errors;
    int64_t failed = 0;
    for (const auto& [code, n] : codes) {
      if (code == 0) continue;
      failed += n;
      absl::StrAppend(&errors, errors.empty() ? "" : ",", "\"", code, "\":", n);
    }
    const double seconds = absl::GetFlag(FLAGS_duration);
    return absl::StrCat(
        "{\"label\":\"", absl::GetFlag(FLAGS_label), "\",\"scenario\":\"", absl::GetFlag(FLAGS_scenario),
        "\",\"addr\":\"", absl::GetFlag(FLAGS_addr), "\",\"concurrency\":", absl::GetFlag(FLAGS_concurrency),
        ",\"channels\":", absl::GetFlag(FLAGS_channels), ",\"seconds\":", seconds,
        ",\"ok\":", all.size(), ",\"errors\":{", errors, "},\"failed\":", failed,
        ",\"rate\":", static_cast<int64_t>(static_cast<double>(all.size()) / seconds),
        ",\"p50_ms\":", at(0.5), ",\"p90_ms\":", at(0.9), ",\"p99_ms\":", at(0.99),
        ",\"p999_ms\":", at(0.999), ",\"max_ms\":", all.empty() ? 0.0 : all.back(),
        ",\"client_cpu_s\":", cpu_s, ",\"alerts_streamed\":", alerts_streamed_.load(), "}");
  }

  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<grpc::GenericStub>> generic_;
  const Mix mix_{absl::GetFlag(FLAGS_mix)};
  std::vector<std::unique_ptr<grpc::ClientContext>> watch_contexts_;
  std::vector<std::thread> watch_threads_;
  std::atomic<int64_t> alerts_streamed_{0};
  std::vector<std::string> tickets_;
  std::vector<Slot> slots_;
  const std::string run_id_ = absl::StrCat("load-", absl::ToUnixMicros(absl::Now()));
  absl::Time start_, measure_from_, stop_at_;
  std::atomic<int> running_{0};
  absl::Notification done_;
};

// Creates the accounts the requests name (ignoring ALREADY_EXISTS and servers without
// accounts) and, for the comment scenario, tickets to comment on.
std::vector<std::string> Setup(const std::shared_ptr<grpc::Channel>& channel) {
  auto accounts = v1::AccountService::NewStub(channel);
  for (int i = 0; i < 50; ++i) {
    v1::CreateAccountRequest request;
    request.mutable_account()->set_id(absl::StrCat("load-", i));
    request.mutable_account()->set_name(absl::StrCat("Load account ", i));
    request.mutable_account()->set_channel_tier(v1::CHANNEL_TIER_SMALL_RETAIL);
    v1::Account account;
    accounts->CreateAccount(Context().get(), request, &account);  // result ignored
  }
  std::vector<std::string> tickets;
  const std::string scenario = absl::GetFlag(FLAGS_scenario);
  if (scenario != "comment" && scenario != "mixed") return tickets;
  auto stub = v1::TicketService::NewStub(channel);
  const std::string prefix = absl::StrCat("setup-", absl::ToUnixMicros(absl::Now()), "-");
  for (int i = 0; i < absl::GetFlag(FLAGS_setup_tickets); ++i) {
    v1::Ticket ticket;
    v1::CreateTicketRequest request = CreateRequest(prefix + std::to_string(i), i);
    request.mutable_ticket()->set_assignee(Technicians()[i % Technicians().size()]);
    grpc::Status s = stub->CreateTicket(Context().get(), request, &ticket);
    if (!s.ok()) {
      std::fprintf(stderr, "setup: CreateTicket failed: %s\n", s.error_message().c_str());
      std::exit(1);
    }
    tickets.push_back(ticket.id());
  }
  return tickets;
}

// The timers scenario (server started with --test_clock): creates --tickets tickets at one
// instant, so their clocks fall due together, opens a WatchAlerts stream, moves the test
// clock by --advance and measures how long until every alert the move raised was stored
// (the AdvanceTestClock call returns then) and streamed (the stream has gone quiet for 1 s
// after the last one arrived; that second is not counted).
std::string RunTimers(const std::vector<std::shared_ptr<grpc::Channel>>& channels) {
  const int count = absl::GetFlag(FLAGS_tickets);
  auto stub = v1::TicketService::NewStub(channels[0]);
  const std::string prefix = absl::StrCat("timers-", absl::ToUnixMicros(absl::Now()), "-");
  std::atomic<int> next{0}, failed{0};
  std::vector<std::thread> creators;
  for (int t = 0; t < 16; ++t) {
    creators.emplace_back([&, t] {
      auto s = v1::TicketService::NewStub(channels[t % channels.size()]);
      for (int i = next++; i < count; i = next++) {
        v1::Ticket ticket;
        if (!s->CreateTicket(Context().get(), CreateRequest(prefix + std::to_string(i), i), &ticket).ok()) ++failed;
      }
    });
  }
  for (std::thread& t : creators) t.join();
  v1::ListAlertsRequest last;
  last.set_page_size(1);
  // Stream from now on: every stored alert first would include earlier runs' alerts.
  auto alerts = v1::AlertService::NewStub(channels[0]);
  int64_t from = 0;
  for (v1::ListAlertsResponse page; ; ) {
    last.set_after_sequence(from);
    last.set_page_size(500);
    if (!alerts->ListAlerts(Context().get(), last, &page).ok() || page.alerts().empty()) break;
    from = page.last_sequence();
    if (!page.more()) break;
  }
  std::atomic<int64_t> streamed{0};
  std::atomic<int64_t> last_arrival_us{0};
  auto watch_context = Context(absl::Hours(1));
  std::thread watcher([&] {
    v1::WatchAlertsRequest request;
    request.set_from_sequence(from);
    auto reader = alerts->WatchAlerts(watch_context.get(), request);
    v1::Alert alert;
    while (reader->Read(&alert)) {
      ++streamed;
      last_arrival_us = absl::ToUnixMicros(absl::Now());
    }
    reader->Finish();
  });
  absl::SleepFor(absl::Milliseconds(200));  // the stream is open
  auto admin = v1::AdminService::NewStub(channels[0]);
  v1::AdvanceTestClockRequest advance;
  absl::Duration by;
  absl::ParseDuration(absl::GetFlag(FLAGS_advance), &by);
  advance.mutable_advance()->set_seconds(absl::ToInt64Seconds(by));
  v1::AdvanceTestClockResponse advanced;
  auto admin_context = std::make_unique<grpc::ClientContext>();
  admin_context->AddMetadata("authorization", absl::StrCat("Bearer ", absl::GetFlag(FLAGS_admin_token)));
  const absl::Time t0 = absl::Now();
  grpc::Status status = admin->AdvanceTestClock(admin_context.get(), advance, &advanced);
  const absl::Duration stored = absl::Now() - t0;
  for (int64_t seen = -1; seen != streamed.load();) {
    seen = streamed.load();
    absl::SleepFor(absl::Seconds(1));
  }
  watch_context->TryCancel();
  watcher.join();
  const double streamed_s =
      streamed.load() == 0 ? 0 : (static_cast<double>(last_arrival_us.load()) - absl::ToUnixMicros(t0)) / 1e6;
  return absl::StrCat(
      "{\"label\":\"", absl::GetFlag(FLAGS_label), "\",\"scenario\":\"timers\",\"tickets\":", count,
      ",\"create_failed\":", failed.load(), ",\"advance\":\"", absl::GetFlag(FLAGS_advance),
      "\",\"advance_ok\":", status.ok() ? "true" : "false", ",\"tickets_changed\":",
      advanced.tickets_changed(), ",\"alerts_streamed\":", streamed.load(),
      ",\"stored_s\":", absl::ToDoubleSeconds(stored), ",\"streamed_s\":", streamed_s, "}");
}

}  // namespace
}  // namespace ticketing::load

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("tktload: load generator for ticketd; one JSON line per run");
  absl::ParseCommandLine(argc, argv);
  // Debian's Abseil checks every lock order at run time: CPU the server should have.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  using namespace ticketing::load;
  const std::string scenario = absl::GetFlag(FLAGS_scenario);
  if (scenario != "create" && scenario != "comment" && scenario != "list" &&
      scenario != "mixed" && scenario != "timers") {
    std::fprintf(stderr, "--scenario must be create, comment, list, mixed or timers\n");
    return 2;
  }
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < std::max(1, absl::GetFlag(FLAGS_channels)); ++i) {
    grpc::ChannelArguments args;
    args.SetInt("load-channel", i);  // distinct arguments: a connection each
    channels.push_back(grpc::CreateCustomChannel(absl::GetFlag(FLAGS_addr),
                                                 grpc::InsecureChannelCredentials(), args));
  }
  if (scenario == "timers") {
    Setup(channels[0]);
    std::printf("%s\n", RunTimers(channels).c_str());
    return 0;
  }
  std::vector<std::string> tickets = Setup(channels[0]);
  Run run(channels, std::move(tickets));
  std::printf("%s\n", run.Go().c_str());
  return 0;
}
