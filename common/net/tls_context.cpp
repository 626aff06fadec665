#include <fstream>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "common/net/asio_internal.h"
#include "common/tls/openssl_util.h"

namespace fabric::net::detail {
namespace {

void requireReadable(const std::filesystem::path& path, const std::string& role) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + role + " " + path.string());
}

std::shared_ptr<asio::ssl::context> baseContext(asio::ssl::context::method method) {
  auto context = std::make_shared<asio::ssl::context>(method);
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  return context;
}

void loadCa(asio::ssl::context& context, const std::filesystem::path& ca) {
  requireReadable(ca, "CA file");
  if (SSL_CTX_load_verify_locations(context.native_handle(), ca.c_str(), nullptr) != 1)
    throw std::runtime_error(tls::opensslError("cannot load CA file " + ca.string()));
}

void loadIdentity(asio::ssl::context& context, const TlsConfig& tls) {
  requireReadable(tls.cert, "certificate file");
  requireReadable(tls.key, "key file");
  SSL_CTX* ctx = context.native_handle();
  if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert.c_str()) != 1)
    throw std::runtime_error(tls::opensslError("cannot load certificate " + tls.cert.string()));
  if (SSL_CTX_use_PrivateKey_file(ctx, tls.key.c_str(), SSL_FILETYPE_PEM) != 1)
    throw std::runtime_error(tls::opensslError("cannot load private key " + tls.key.string()));
  if (SSL_CTX_check_private_key(ctx) != 1)
    throw std::runtime_error(tls::opensslError("private key " + tls.key.string() +
                                               " does not match " + tls.cert.string()));
}

}  // namespace

std::shared_ptr<asio::ssl::context> makeServerContext(const TlsConfig& tls) {
  auto context = baseContext(asio::ssl::context::tls_server);
  // No TLS 1.3 session tickets: nothing here resumes sessions, and a ticket the server sends after
  // the handshake sits unread in a one-way sender's socket (an RFC 5425 syslog client writes and
  // closes); closing a socket with unread data sends RST, and the RST makes this side's kernel
  // drop the sender's last bytes before the server has read them.
  SSL_CTX_set_num_tickets(context->native_handle(), 0);
  loadIdentity(*context, tls);
  if (!tls.ca.empty()) {
    loadCa(*context, tls.ca);
    // Tell clients which CA we accept, so one holding several certificates picks the right one.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.ca.c_str()))
      SSL_CTX_set_client_CA_list(context->native_handle(), names);
  } else if (tls.require_peer_certificate) {
    throw std::runtime_error("require_peer_certificate needs a CA file to verify clients against");
  }
  // A presented client certificate is always verified; an absent one is refused only when required.
  if (tls.require_peer_certificate) {
    context->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  } else if (!tls.ca.empty()) {
    context->set_verify_mode(asio::ssl::verify_peer);
  } else {
    context->set_verify_mode(asio::ssl::verify_none);
  }
  return context;
}

std::shared_ptr<asio::ssl::context> makeClientContext(const TlsConfig& tls) {
  auto context = baseContext(asio::ssl::context::tls_client);
  if (tls.ca.empty()) throw std::runtime_error("a client needs a CA file to verify its server");
  loadCa(*context, tls.ca);
  if (!tls.cert.empty() || !tls.key.empty()) loadIdentity(*context, tls);
  context->set_verify_mode(asio::ssl::verify_peer);
  return context;
}

void setExpectedPeerName(SSL* ssl, const std::string& name) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  asio::error_code ec;
  asio::ip::make_address(name, ec);
  if (!ec) {
    X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
    return;
  }
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
  SSL_set_tlsext_host_name(ssl, name.c_str());
}

void fillPeerCertificate(SSL* ssl, PeerInfo& peer) {
  if (!ssl) return;
  tls::X509Ptr cert(SSL_get1_peer_certificate(ssl));
  if (!cert) return;
  peer.common_name = tls::subjectAttribute(cert.get(), NID_commonName);
  peer.serial_number = tls::subjectAttribute(cert.get(), NID_serialNumber);
  peer.certificate_serial = tls::serialHex(cert.get());
}

std::string handshakeErrorReason(const asio::error_code& ec, SSL* ssl) {
  std::string text = ec.message();
  if (ssl) {
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK)
      return std::string("peer certificate rejected: ") + X509_verify_cert_error_string(verify) +
             " (" + text + ")";
  }
  return text;
}

void serverHandshake(std::shared_ptr<TlsTransport> transport, std::chrono::milliseconds timeout,
                     std::function<void(const std::string& error)> done) {
  auto timer = std::make_shared<asio::steady_timer>(transport->socket().get_executor(), timeout);
  auto finished = std::make_shared<bool>(false);
  timer->async_wait([transport, finished, done, timeout](const asio::error_code& ec) {
    if (ec || *finished) return;
    *finished = true;
    asio::error_code ignored;
    transport->socket().close(ignored);
    done("TLS handshake timed out after " + std::to_string(timeout.count()) + " ms");
  });
  transport->stream().async_handshake(
      asio::ssl::stream_base::server,
      [transport, timer, finished, done](const asio::error_code& ec) {
        if (*finished) return;
        *finished = true;
        timer->cancel();
        done(ec ? handshakeErrorReason(ec, transport->ssl()) : std::string());
      });
}

}  // namespace fabric::net::detail
