// End-to-end tests of the server as a process: health, reflection, request size limit,
// graceful SIGTERM and restart on the same data. Each test starts its own ticketd.

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/impl/rpc_method.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/sync_stream.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/e2e_helpers.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::testing {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::SizeIs;

#ifndef TICKETD_PATH
#error "TICKETD_PATH must name the ticketd binary (see tests/e2e/CMakeLists.txt)"
#endif

TEST(ServerE2eTest, HealthCheckReportsServingWithoutToken) {
  ServerProcess server(TICKETD_PATH);
  ASSERT_THAT(server.Start(), IsOk());
  EXPECT_THAT(CheckHealth(*server.Channel()), IsOkAndHolds(kHealthServing));
}

TEST(ServerE2eTest, RequestLargerThanOneMebibyteIsResourceExhausted) {
  ServerProcess server(TICKETD_PATH);
  ASSERT_THAT(server.Start(), IsOk());
  const E2eClient alice(server.Channel(), kAgentToken);
  v1::CreateTicketRequest request = NewTicketRequest(UniqueName("acct"));
  request.mutable_ticket()->set_description(std::string(1100 * 1024, 'x'));
  EXPECT_THAT(alice.Create(request), StatusIs(absl::StatusCode::kResourceExhausted, ::testing::_));
  // The server survives it.
  EXPECT_THAT(alice.WhoAmI(), IsOk());
}

TEST(ServerE2eTest, APublishedSampleTokenIsRefusedOutsideDevelopmentMode) {
  const std::string sam = R"pb(users { name: "sam" role: ROLE_AGENT
                                       token: "agent-alice-0123456789abcdef" })pb";
  ServerProcess refused(TICKETD_PATH, sam);
  EXPECT_FALSE(refused.Start().ok());
  EXPECT_THAT(refused.LogTail(), ::testing::HasSubstr("users[5].token: is a sample token published"));
  ServerProcess development(TICKETD_PATH, sam, {"--unsafe_development_mode"});
  ASSERT_THAT(development.Start(), IsOk());
  EXPECT_THAT(E2eClient(development.Channel(), "agent-alice-0123456789abcdef").WhoAmI(), IsOk());
  EXPECT_THAT(development.LogTail(), ::testing::HasSubstr("DEVELOPMENT MODE"));
}

// Permission bits of `path` that let others than the owner in; -1 when it cannot be read.
int OpenToOthers(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 077);
}

TEST(ServerE2eTest, TheDatabaseIsTheServersAloneAndAConfigOthersCanReadIsRefused) {
  ServerProcess server(TICKETD_PATH);
  ASSERT_THAT(server.Start(), IsOk());
  ASSERT_THAT(E2eClient(server.Channel(), kAgentToken).Create(NewTicketRequest(UniqueName("a"))),
              IsOk());
  EXPECT_EQ(OpenToOthers(server.data_dir()), 0);
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(server.data_dir())) {
    EXPECT_EQ(OpenToOthers(entry.path()), 0) << entry.path();
    ++files;
  }
  EXPECT_GT(files, 3);
  ASSERT_THAT(server.Terminate(), IsOkAndHolds(0));
  ASSERT_EQ(chmod((server.dir() + "/config.textproto").c_str(), 0644), 0);
  EXPECT_FALSE(server.Start().ok());
  EXPECT_THAT(server.LogTail(), ::testing::HasSubstr("readable by every user of this machine"));
}

// --- Server reflection, spoken by hand: Debian installs neither reflection.proto nor
// ProtoReflectionDescriptorDatabase (that lives in grpc's test/cpp/util).

grpc::ByteBuffer BytesToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string BufferToBytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  (void)buffer.Dump(&slices);
  std::string out;
  for (const grpc::Slice& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

// Appends the service names of one ServerReflectionResponse: field 6 list_services_response
// { repeated ServiceResponse service = 1 { string name = 1; } }.
absl::Status AppendServiceNames(const std::string& bytes, std::vector<std::string>* names) {
  using ::google::protobuf::UnknownField;
  using ::google::protobuf::UnknownFieldSet;
  UnknownFieldSet response;
  if (!response.ParseFromString(bytes)) return absl::DataLossError("bad reflection response");
  for (int i = 0; i < response.field_count(); ++i) {
    const UnknownField& f = response.field(i);
    if (f.number() == 7) return absl::InternalError("reflection returned error_response");
    if (f.number() != 6 || f.type() != UnknownField::TYPE_LENGTH_DELIMITED) continue;
    UnknownFieldSet list;
    if (!list.ParseFromString(f.length_delimited())) return absl::DataLossError("bad list");
    for (int j = 0; j < list.field_count(); ++j) {
      UnknownFieldSet service;
      if (list.field(j).type() != UnknownField::TYPE_LENGTH_DELIMITED ||
          !service.ParseFromString(list.field(j).length_delimited())) {
        continue;
      }
      for (int k = 0; k < service.field_count(); ++k) {
        if (service.field(k).number() == 1) names->push_back(service.field(k).length_delimited());
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ListServicesByReflection(grpc::Channel& channel,
                                                                  const char* method_name) {
  const grpc::internal::RpcMethod method(method_name, grpc::internal::RpcMethod::BIDI_STREAMING);
  auto context = MakeClientContext(kAdminToken);
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> stream(
      grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(
          &channel, method, context.get()));
  // ServerReflectionRequest { list_services = 7: "" }
  stream->Write(BytesToBuffer(std::string("\x3a\x00", 2)));
  stream->WritesDone();
  std::vector<std::string> names;
  grpc::ByteBuffer response;
  absl::Status parsed = absl::OkStatus();
  while (stream->Read(&response)) {
    if (parsed.ok()) parsed = AppendServiceNames(BufferToBytes(response), &names);
  }
  if (absl::Status s = ToAbslStatus(stream->Finish()); !s.ok()) return s;
  if (!parsed.ok()) return parsed;
  return names;
}

absl::StatusOr<std::vector<std::string>> ListServicesByReflection(grpc::Channel& channel) {
  absl::StatusOr<std::vector<std::string>> names = ListServicesByReflection(
      channel, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo");
  if (absl::IsUnimplemented(names.status())) {
    names = ListServicesByReflection(channel,
                                     "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo");
  }
  return names;
}

TEST(ServerE2eTest, ReflectionIsOffUnlessEnabled) {
  // Off by default: it asks for no token and holds a thread per stream (docs/security.md).
  ServerProcess server(TICKETD_PATH);
  ASSERT_THAT(server.Start(), IsOk());
  EXPECT_THAT(ListServicesByReflection(*server.Channel()),
              StatusIs(absl::StatusCode::kUnimplemented, ::testing::_));
}

TEST(ServerE2eTest, EnabledReflectionListsTheTicketingAndHealthServices) {
  ServerProcess server(TICKETD_PATH, "enable_reflection: true");
  ASSERT_THAT(server.Start(), IsOk());
  absl::StatusOr<std::vector<std::string>> names = ListServicesByReflection(*server.Channel());
  ASSERT_THAT(names, IsOk());
  EXPECT_THAT(*names, Contains("ticketing.v1.TicketService"));
  EXPECT_THAT(*names, Contains("ticketing.v1.AdminService"));
  EXPECT_THAT(*names, Contains("grpc.health.v1.Health"));
}

// Gives one ticket of `account` a history: create, assign, start, comment, resolve.
absl::Status MakeHistory(const E2eClient& alice, const E2eClient& tom, const std::string& account) {
  absl::StatusOr<v1::Ticket> t = alice.Create(NewTicketRequest(account, "Dishwasher"));
  if (!t.ok()) return t.status();
  v1::AssignTicketRequest assign;
  assign.set_id(t->id());
  assign.set_version(t->version());
  assign.set_assignee(kTechnicianTomName);
  if (t = alice.Assign(assign); !t.ok()) return t.status();
  if (t = tom.Move(t->id(), t->version(), v1::TICKET_STATUS_IN_PROGRESS); !t.ok()) {
    return t.status();
  }
  v1::AddCommentRequest comment;
  comment.set_ticket_id(t->id());
  comment.set_body("replaced the pump");
  comment.set_visibility(v1::VISIBILITY_CUSTOMER);
  absl::StatusOr<v1::AddCommentResponse> commented = tom.Comment(comment);
  if (!commented.ok()) return commented.status();
  return tom.Move(t->id(), commented->ticket().version(), v1::TICKET_STATUS_RESOLVED).status();
}

TEST(ServerE2eTest, SigtermExitsZeroAndRestartKeepsTicketsHistoriesAndRequestIds) {
  ServerProcess server(TICKETD_PATH);
  ASSERT_THAT(server.Start(), IsOk());
  const std::string account = UniqueName("acct");
  std::vector<v1::CreateTicketRequest> requests;
  {
    const E2eClient alice(server.Channel(), kAgentToken);
    const E2eClient tom(server.Channel(), kTechnicianTomToken);
    ASSERT_THAT(MakeHistory(alice, tom, account), IsOk());
    for (int i = 0; i < 3; ++i) {
      requests.push_back(NewTicketRequest(account, absl::StrCat("Dryer ", i)));
      ASSERT_THAT(alice.Create(requests.back()), IsOk());
    }
  }
  auto snapshot = [&server, &account]() {
    const E2eClient sue(server.Channel(), kSupervisorToken);
    v1::ListTicketsRequest list;
    list.set_account_id(account);
    std::vector<std::pair<v1::Ticket, std::vector<v1::TicketEvent>>> out;
    absl::StatusOr<std::vector<v1::Ticket>> tickets = sue.ListAll(list);
    EXPECT_THAT(tickets, IsOk());
    if (!tickets.ok()) return out;
    for (const v1::Ticket& t : *tickets) {
      absl::StatusOr<std::vector<v1::TicketEvent>> events = sue.AllEvents(t.id());
      EXPECT_THAT(events, IsOk());
      out.emplace_back(t, events.ok() ? *events : std::vector<v1::TicketEvent>());
    }
    return out;
  };
  const auto before = snapshot();
  ASSERT_THAT(before, SizeIs(4));

  EXPECT_THAT(server.Terminate(), IsOkAndHolds(0)) << server.LogTail();
  ASSERT_THAT(server.Restart(), IsOk());

  const auto after = snapshot();
  ASSERT_EQ(after.size(), before.size());
  int64_t max_number = 0;
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(after[i].first, before[i].first))
        << after[i].first.DebugString();
    ASSERT_EQ(after[i].second.size(), before[i].second.size());
    for (size_t j = 0; j < before[i].second.size(); ++j) {
      EXPECT_TRUE(MessageDifferencer::Equals(after[i].second[j], before[i].second[j]));
    }
    max_number = std::max(max_number, TicketNumber(before[i].first.id()));
  }
  {  // Scoped: the clients must be gone before SIGTERM (see ServerProcess::Channel).
    const E2eClient alice(server.Channel(), kAgentToken);
    absl::StatusOr<v1::Ticket> retried = alice.Create(requests[1]);
    ASSERT_THAT(retried, IsOk());
    EXPECT_EQ(retried->id(), before[2].first.id()) << "request ids must survive a restart";
    absl::StatusOr<v1::Ticket> fresh = alice.Create(NewTicketRequest(account));
    ASSERT_THAT(fresh, IsOk());
    EXPECT_GT(TicketNumber(fresh->id()), max_number) << "ids must never be reused";
    absl::StatusOr<v1::VerifyStoreResponse> report =
        E2eClient(server.Channel(), kAdminToken).VerifyStore();
    ASSERT_THAT(report, IsOk());
    EXPECT_THAT(report->problems(), IsEmpty());
  }
  EXPECT_THAT(server.Terminate(), IsOkAndHolds(0)) << server.LogTail();
}

}  // namespace
}  // namespace ticketing::testing
