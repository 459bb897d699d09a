// The server's TLS: its certificate and key, and for mutual TLS the client CA, read from
// files that are watched, so a renewed certificate is used without a restart.
#ifndef TICKETING_SERVER_APP_TLS_CREDENTIALS_H_
#define TICKETING_SERVER_APP_TLS_CREDENTIALS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"
#include "ticketing/v1/config.pb.h"

namespace ticketing::app {

// Checks the files of `tls` now, so that a mistake stops the start with the field named
// instead of failing every handshake later: the certificate and key parse as PEM and
// match, the key file is not readable by others, the client CA (when given) holds at
// least one certificate. Then returns gRPC credentials that read the files again every
// tls.reload_seconds (gRPC's FileWatcherCertificateProvider) and, with a client CA,
// require and verify a client certificate. INVALID_ARGUMENT or NOT_FOUND naming the field.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> TlsServerCredentials(
    const v1::TlsConfig& tls);

}  // namespace ticketing::app

#endif  // TICKETING_SERVER_APP_TLS_CREDENTIALS_H_
