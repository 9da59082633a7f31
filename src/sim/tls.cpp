// SPDX-License-Identifier: BSL-1.0
// Certificate generation with OpenSSL 3: EC P-256 keys, SHA-256 signatures, ten years of validity.
#include "tls.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace finovy::sim::detail {

namespace {

namespace fs = std::filesystem;

struct deleter
{
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using key_ptr = std::unique_ptr<EVP_PKEY, deleter>;
using cert_ptr = std::unique_ptr<X509, deleter>;
using file_ptr = std::unique_ptr<std::FILE, deleter>;

[[noreturn]] void fail(const std::string& what)
{
    char buf[256] = "unknown error";
    if (auto e = ERR_get_error())
        ERR_error_string_n(e, buf, sizeof buf);
    throw std::runtime_error("finovy-sim: " + what + ": " + buf);
}

key_ptr make_key()
{
    key_ptr k(EVP_EC_gen("P-256"));
    if (!k)
        fail("generating a key");
    return k;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    std::unique_ptr<X509_EXTENSION, deleter> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext || !X509_add_ext(cert, ext.get(), -1))
        fail("adding a certificate extension");
}

cert_ptr make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key,
                   const std::vector<std::string>* names)
{
    cert_ptr c(X509_new());
    if (!c)
        fail("allocating a certificate");
    X509_set_version(c.get(), 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(c.get()), -24L * 3600);
    X509_gmtime_adj(X509_getm_notAfter(c.get()), 10L * 365 * 24 * 3600);
    X509_set_pubkey(c.get(), key);
    X509_NAME* name = X509_get_subject_name(c.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("finovy-sim"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509* iss = issuer ? issuer : c.get();
    X509_set_issuer_name(c.get(), X509_get_subject_name(iss));
    if (!names)
    {
        add_ext(c.get(), iss, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
        add_ext(c.get(), iss, NID_key_usage, "critical,keyCertSign,cRLSign");
        add_ext(c.get(), iss, NID_subject_key_identifier, "hash");
    }
    else
    {
        std::string san;
        for (const auto& n : *names)
        {
            boost::system::error_code ec;
            boost::asio::ip::make_address(n, ec);
            san += (san.empty() ? "" : ",") + std::string(ec ? "DNS:" : "IP:") + n;
        }
        add_ext(c.get(), iss, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(c.get(), iss, NID_key_usage, "critical,digitalSignature,keyEncipherment");
        add_ext(c.get(), iss, NID_ext_key_usage, "serverAuth");
        add_ext(c.get(), iss, NID_subject_key_identifier, "hash");
        add_ext(c.get(), iss, NID_authority_key_identifier, "keyid:always");
        if (!san.empty())
            add_ext(c.get(), iss, NID_subject_alt_name, san);
    }
    if (!X509_sign(c.get(), issuer_key ? issuer_key : key, EVP_sha256()))
        fail("signing a certificate");
    return c;
}

file_ptr open_file(const fs::path& p, const char* mode)
{
    file_ptr f(std::fopen(p.c_str(), mode));
    if (!f)
        throw std::runtime_error("finovy-sim: cannot open " + p.string());
    return f;
}

void write_cert(const fs::path& p, X509* c)
{
    auto f = open_file(p, "w");
    if (!PEM_write_X509(f.get(), c))
        fail("writing " + p.string());
}

void write_key(const fs::path& p, EVP_PKEY* k)
{
    auto f = open_file(p, "w");
    fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write);
    if (!PEM_write_PrivateKey(f.get(), k, nullptr, nullptr, 0, nullptr, nullptr))
        fail("writing " + p.string());
}

cert_ptr read_cert(const fs::path& p)
{
    auto f = open_file(p, "r");
    cert_ptr c(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
    if (!c)
        fail("reading " + p.string());
    return c;
}

key_ptr read_key(const fs::path& p)
{
    auto f = open_file(p, "r");
    key_ptr k(PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr));
    if (!k)
        fail("reading " + p.string());
    return k;
}

}   // namespace

cert_files ensure_certificates(const std::string& dir_name, const std::vector<std::string>& names)
{
    fs::path dir(dir_name);
    fs::create_directories(dir);
    cert_files out{(dir / "ca.pem").string(), (dir / "server.pem").string(), (dir / "server-key.pem").string()};
    if (fs::exists(out.server) && fs::exists(out.server_key) && fs::exists(out.ca))
        return out;

    cert_ptr ca;
    key_ptr ca_key;
    if (fs::exists(out.ca))
    {
        if (!fs::exists(dir / "ca-key.pem"))
            throw std::runtime_error("finovy-sim: " + out.ca + " exists but neither ca-key.pem nor server.pem does");
        ca = read_cert(out.ca);
        ca_key = read_key(dir / "ca-key.pem");
    }
    else
    {
        ca_key = make_key();
        ca = make_cert(ca_key.get(), "finovy-sim local CA", nullptr, nullptr, nullptr);
        write_key(dir / "ca-key.pem", ca_key.get());
        write_cert(out.ca, ca.get());
    }
    auto key = make_key();
    auto cert = make_cert(key.get(), names.empty() ? "localhost" : names.front(), ca.get(), ca_key.get(), &names);
    write_key(out.server_key, key.get());
    write_cert(out.server, cert.get());
    return out;
}

}   // namespace finovy::sim::detail
