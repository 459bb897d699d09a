// TLS on the real ticketd (docs/security.md, "TLS"): with a client CA every client must
// present a certificate it signed (mutual TLS), health included; a renewed certificate is
// used for new connections without a restart; files that cannot work stop the start with
// the field named. Certificates are made per test run with the openssl tool.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/tktctl_runner.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kOpenssl[] = "/usr/bin/openssl";

// Certificates made with the openssl tool in `dir` (P-256 keys, valid for 2 days).
class Pki {
 public:
  explicit Pki(std::string dir) : dir_(std::move(dir)) {}

  // A self-signed authority: <name>.crt, <name>.key.
  void Authority(const std::string& name) {
    Run({kOpenssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=" + name, "-keyout", Path(name + ".key"), "-out",
         Path(name + ".crt")});
  }

  // <name>.crt signed by authority `ca` (for 127.0.0.1 when `server`), and <name>.key.
  void Leaf(const std::string& name, const std::string& ca, bool server) {
    Run({kOpenssl, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-subj", "/CN=" + name, "-keyout", Path(name + ".key"), "-out",
         Path(name + ".csr")});
    const std::string ext = Path(name + ".ext");
    ASSERT_THAT(WriteFile(ext, server ? "subjectAltName=IP:127.0.0.1\n"
                                           "extendedKeyUsage=serverAuth\n"
                                         : "extendedKeyUsage=clientAuth\n"),
                IsOk());
    Run({kOpenssl, "x509", "-req", "-in", Path(name + ".csr"), "-CA", Path(ca + ".crt"), "-CAkey",
         Path(ca + ".key"), "-CAcreateserial", "-days", "2", "-extfile", ext, "-out",
         Path(name + ".crt")});
  }

  std::string Path(const std::string& file) const { return dir_ + "/" + file; }
  std::string Read(const std::string& file) const { return ReadFileOrEmpty(Path(file)); }

  // TLS channel credentials trusting authority `ca`, presenting client `client` (none
  // when empty).
  std::shared_ptr<grpc::ChannelCredentials> Credentials(const std::string& ca,
                                                        const std::string& client) const {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = Read(ca + ".crt");
    if (!client.empty()) {
      options.pem_cert_chain = Read(client + ".crt");
      options.pem_private_key = Read(client + ".key");
    }
    return grpc::SslCredentials(options);
  }

 private:
  static void Run(const std::vector<std::string>& argv) {
    absl::StatusOr<CliResult> result = RunProcess(argv, absl::Seconds(30));
    ASSERT_THAT(result, IsOk());
    ASSERT_THAT(*result, ExitsWith(0));
  }

  const std::string dir_;
};

std::string TlsConfig(const Pki& pki, const std::string& server, bool client_ca) {
  return absl::StrCat("tls { cert_file: \"", pki.Path(server + ".crt"), "\" key_file: \"",
                      pki.Path(server + ".key"), "\"",
                      client_ca ? absl::StrCat(" client_ca_file: \"", pki.Path("ca.crt"), "\"")
                                : "",
                      " reload_seconds: 1 }\n");
}

class TlsE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(::testing::TempDir() + "/tls_e2e_" + std::to_string(getpid()));
    std::filesystem::create_directories(*dir_);
    pki_ = new Pki(*dir_);
    pki_->Authority("ca");
    pki_->Authority("ca2");
    pki_->Authority("rogue");
    pki_->Leaf("server", "ca", true);
    pki_->Leaf("server2", "ca2", true);
    pki_->Leaf("client", "ca", false);
    pki_->Leaf("intruder", "rogue", false);
    for (const char* key : {"server.key", "server2.key"}) {
      ASSERT_EQ(chmod(pki_->Path(key).c_str(), 0600), 0);
    }
  }
  static void TearDownTestSuite() {
    std::error_code ignored;
    std::filesystem::remove_all(*dir_, ignored);  // certificates only: made again next run
    delete pki_;
    delete dir_;
  }

  // WhoAmI over a new channel with `credentials`.
  static absl::StatusOr<v1::WhoAmIResponse> WhoAmI(
      const ServerProcess& server, std::shared_ptr<grpc::ChannelCredentials> credentials) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.use_local_subchannel_pool", 1);  // a new connection, not a shared one
    return E2eClient(grpc::CreateCustomChannel(server.address(), credentials, args), kAgentToken)
        .WhoAmI();
  }

  static std::string* dir_;
  static Pki* pki_;
};
std::string* TlsE2eTest::dir_ = nullptr;
Pki* TlsE2eTest::pki_ = nullptr;

TEST_F(TlsE2eTest, WithAClientCaOnlyClientsWithACertificateItSignedGetIn) {
  ServerProcess server(TICKETD_PATH, TlsConfig(*pki_, "server", true));
  server.UseChannelCredentials(pki_->Credentials("ca", "client"));
  ASSERT_THAT(server.Start(), IsOk());

  EXPECT_THAT(WhoAmI(server, pki_->Credentials("ca", "client")), IsOk());
  // No certificate, one of another authority, or no TLS at all: the handshake fails.
  EXPECT_THAT(WhoAmI(server, pki_->Credentials("ca", "")),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  EXPECT_THAT(WhoAmI(server, pki_->Credentials("ca", "intruder")),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  EXPECT_THAT(WhoAmI(server, grpc::InsecureChannelCredentials()),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  // Health too: a load balancer checks with a certificate of its own.
  auto bare = grpc::CreateChannel(server.address(), pki_->Credentials("ca", ""));
  EXPECT_THAT(CheckHealth(*bare), StatusIs(absl::StatusCode::kUnavailable, ::testing::_));

  // tktctl with --cert_file and --key_file.
  const std::vector<std::string> tls = {"--tls", "--ca_file=" + pki_->Path("ca.crt")};
  std::vector<std::string> args = tls;
  args.insert(args.end(), {"--cert_file=" + pki_->Path("client.crt"),
                           "--key_file=" + pki_->Path("client.key"), "whoami"});
  const CliResult with = RunTktctl(TKTCTL_PATH, server.address(), kAgentToken, args);
  EXPECT_THAT(with, ExitsWith(0));
  EXPECT_THAT(with.out, HasSubstr("user: alice"));
  args = tls;
  args.push_back("whoami");
  EXPECT_THAT(RunTktctl(TKTCTL_PATH, server.address(), kAgentToken, args),
              ExitsWith(ExitCodeOf(absl::StatusCode::kUnavailable)));
  args = {"--cert_file=" + pki_->Path("client.crt"), "whoami"};
  EXPECT_THAT(RunTktctl(TKTCTL_PATH, server.address(), kAgentToken, args),
              ExitsWith(ExitCodeOf(absl::StatusCode::kInvalidArgument)));
}

TEST_F(TlsE2eTest, ARenewedCertificateIsUsedForNewConnectionsWithoutARestart) {
  // The server's own copies of its files, replaced below as a renewal would.
  const std::string cert = *dir_ + "/live.crt", key = *dir_ + "/live.key";
  ASSERT_THAT(WriteFile(cert, pki_->Read("server.crt")), IsOk());
  ASSERT_THAT(WriteFile(key, pki_->Read("server.key")), IsOk());
  ServerProcess server(TICKETD_PATH, absl::StrCat("tls { cert_file: \"", cert, "\" key_file: \"",
                                                  key, "\" reload_seconds: 1 }\n"));
  server.UseChannelCredentials(pki_->Credentials("ca", ""));
  ASSERT_THAT(server.Start(), IsOk());
  const pid_t pid = server.pid();
  EXPECT_THAT(WhoAmI(server, pki_->Credentials("ca", "")), IsOk());
  EXPECT_THAT(WhoAmI(server, pki_->Credentials("ca2", "")),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));

  // Renewed by another authority: each file replaced whole (rename), key first.
  ASSERT_THAT(WriteFile(key + ".new", pki_->Read("server2.key")), IsOk());
  ASSERT_EQ(std::rename((key + ".new").c_str(), key.c_str()), 0);
  ASSERT_THAT(WriteFile(cert + ".new", pki_->Read("server2.crt")), IsOk());
  ASSERT_EQ(std::rename((cert + ".new").c_str(), cert.c_str()), 0);
  absl::Status renewed = absl::UnknownError("not tried");
  // The server reads its files every second: wait for that, up to 15 s.
  for (const absl::Time deadline = absl::Now() + absl::Seconds(15);
       !renewed.ok() && absl::Now() < deadline;) {
    renewed = WhoAmI(server, pki_->Credentials("ca2", "")).status();
    if (!renewed.ok()) absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_THAT(renewed, IsOk());
  EXPECT_THAT(WhoAmI(server, pki_->Credentials("ca", "")),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  EXPECT_EQ(server.pid(), pid);
  EXPECT_FALSE(server.Exited());
}

TEST_F(TlsE2eTest, FilesThatCannotWorkStopTheStartWithTheFieldNamed) {
  struct Case {
    std::string config;
    std::string message;
  };
  const std::string open_key = *dir_ + "/open.key";
  ASSERT_THAT(WriteFile(open_key, pki_->Read("server.key")), IsOk());
  ASSERT_EQ(chmod(open_key.c_str(), 0644), 0);
  const std::string cert = pki_->Path("server.crt"), key = pki_->Path("server.key");
  const std::vector<Case> cases = {
      {absl::StrCat("tls { cert_file: \"", cert, "\" key_file: \"", pki_->Path("server2.key"),
                    "\" }"),
       "tls.key_file: " + pki_->Path("server2.key") + " is not the key of tls.cert_file"},
      {absl::StrCat("tls { cert_file: \"", key, "\" key_file: \"", key, "\" }"),
       "tls.cert_file: " + key + " holds no PEM certificate"},
      {absl::StrCat("tls { cert_file: \"", cert, "\" key_file: \"", open_key, "\" }"),
       "tls.key_file: " + open_key + " is readable by every user"},
      {absl::StrCat("tls { cert_file: \"", cert, "\" key_file: \"", key,
                    "\" client_ca_file: \"", *dir_, "/missing.pem\" }"),
       "tls.client_ca_file: "},
      {absl::StrCat("tls { cert_file: \"", cert, "\" key_file: \"", key,
                    "\" reload_seconds: 100000 }"),
       "tls.reload_seconds: must be 1-86400"},
  };
  for (const Case& c : cases) {
    ServerProcess server(TICKETD_PATH, c.config);
    const absl::Status started = server.Start();
    EXPECT_FALSE(started.ok()) << c.config;
    EXPECT_THAT(std::string(started.message()), HasSubstr(c.message)) << c.config;
  }
}

}  // namespace
}  // namespace ticketing::testing
