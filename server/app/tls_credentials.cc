#include "server/app/tls_credentials.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "proto/base/status_macros.h"
#include "server/common/files.h"

namespace ticketing::app {
namespace {

constexpr int kDefaultReloadSeconds = 60;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

std::unique_ptr<BIO, BioFree> MemoryBio(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// The first certificate of `pem`; null when it holds none.
std::unique_ptr<X509, X509Free> FirstCertificate(const std::string& pem) {
  auto bio = MemoryBio(pem);
  std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  return cert;
}

absl::StatusOr<std::string> ReadField(const char* field, const std::string& path) {
  absl::StatusOr<std::string> content = ReadFileToString(path);
  if (!content.ok()) {
    return absl::Status(content.status().code(),
                        absl::StrCat("tls.", field, ": ", content.status().message()));
  }
  return content;
}

absl::Status CheckFiles(const v1::TlsConfig& tls) {
  TKT_ASSIGN_OR_RETURN(std::string cert_pem, ReadField("cert_file", tls.cert_file()));
  TKT_ASSIGN_OR_RETURN(std::string key_pem, ReadField("key_file", tls.key_file()));
  std::unique_ptr<X509, X509Free> cert = FirstCertificate(cert_pem);
  if (cert == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("tls.cert_file: ", tls.cert_file(), " holds no PEM certificate"));
  }
  auto key_bio = MemoryBio(key_pem);
  std::unique_ptr<EVP_PKEY, KeyFree> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tls.key_file: ", tls.key_file(), " holds no unencrypted PEM private key"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat("tls.key_file: ", tls.key_file(),
                                                   " is not the key of tls.cert_file ",
                                                   tls.cert_file()));
  }
  struct stat st;
  if (::stat(tls.key_file().c_str(), &st) == 0 && (st.st_mode & S_IROTH) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tls.key_file: ", tls.key_file(), " is readable by every user; chmod 600 (or 640) it"));
  }
  if (!tls.client_ca_file().empty()) {
    TKT_ASSIGN_OR_RETURN(std::string ca_pem, ReadField("client_ca_file", tls.client_ca_file()));
    if (FirstCertificate(ca_pem) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tls.client_ca_file: ", tls.client_ca_file(), " holds no PEM certificate"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> TlsServerCredentials(
    const v1::TlsConfig& tls) {
  TKT_RETURN_IF_ERROR(CheckFiles(tls));
  const int reload = tls.reload_seconds() > 0 ? tls.reload_seconds() : kDefaultReloadSeconds;
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      tls.key_file(), tls.cert_file(), tls.client_ca_file(), static_cast<unsigned int>(reload));
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (tls.client_ca_file().empty()) {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

}  // namespace ticketing::app
