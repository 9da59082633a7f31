// SPDX-License-Identifier: BSL-1.0
// A tiny keep-alive HTTPS server (OpenSSL on blocking sockets, a thread per connection) that
// answers every GET with one fixed answer and then, while the connection is idle, sends TLS 1.3
// records that carry no data: new session tickets and key updates. Real servers do this (nginx
// sends tickets after a resumption, OpenSSL servers rotate keys), and a client must not take them
// for a closed connection.
#ifndef FINOVY_TEST_TLS_TEST_SERVER_HPP
#define FINOVY_TEST_TLS_TEST_SERVER_HPP

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace finovy::test {

class tls_test_server
{
public:
    struct options
    {
        std::string cert_file, key_file;   // PEM
        std::string answer;                // the whole HTTP answer to each request
        int tickets_after_answer = 0;      // new session tickets sent after each answer
        bool key_update_after_answer = false;   // ... and a KeyUpdate asking for the client's
        std::chrono::milliseconds delay{20};    // after the answer: the client is idle by then
        std::string junk_after_first_answer;    // a record of data nobody asked for, in the answer's segment
    };

    explicit tls_test_server(options o) : o_(std::move(o))
    {
        ::signal(SIGPIPE, SIG_IGN);   // OpenSSL writes with write(): a client that left must not kill the test
        ctx_ = SSL_CTX_new(TLS_server_method());
        if (!ctx_ || SSL_CTX_set_min_proto_version(ctx_, TLS1_3_VERSION) != 1 ||
            SSL_CTX_use_certificate_chain_file(ctx_, o_.cert_file.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx_, o_.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
            throw std::runtime_error("tls_test_server: cannot set TLS up");
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        socklen_t len = sizeof a;
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listener_, 16) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            throw std::runtime_error("tls_test_server: cannot listen");
        port_ = ntohs(a.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }

    ~tls_test_server()
    {
        stopping_ = true;
        ::shutdown(listener_, SHUT_RDWR);
        acceptor_.join();
        ::close(listener_);
        std::vector<std::thread> threads;
        {
            std::lock_guard lk(m_);
            for (int fd : fds_)
                ::shutdown(fd, SHUT_RDWR);
            threads.swap(threads_);
        }
        for (auto& t : threads)
            t.join();
        SSL_CTX_free(ctx_);
    }

    unsigned short port() const { return port_; }
    std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

    std::atomic<int> accepted{0}, resumed{0}, requests{0}, records_after_answers{0};

private:
    void accept_loop()
    {
        for (;;)
        {
            int fd = ::accept(listener_, nullptr, nullptr);
            if (fd < 0)
                return;
            if (stopping_)
            {
                ::close(fd);
                return;
            }
            ++accepted;
            int one = 1;   // no Nagle: the answer must not wait for the records sent after it
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            std::lock_guard lk(m_);
            fds_.push_back(fd);
            threads_.emplace_back([this, fd] { serve(fd); });
        }
    }

    void serve(int fd)
    {
        SSL* ssl = SSL_new(ctx_);
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) == 1)
        {
            if (SSL_session_reused(ssl))
                ++resumed;
            std::string in;
            char buf[4096];
            for (;;)
            {
                auto end = in.find("\r\n\r\n");
                if (end == std::string::npos)
                {
                    int n = SSL_read(ssl, buf, sizeof buf);
                    if (n <= 0)
                        break;
                    in.append(buf, static_cast<std::size_t>(n));
                    continue;
                }
                in.erase(0, end + 4);   // GETs only: no body
                const bool junk = ++requests == 1 && !o_.junk_after_first_answer.empty();
                int cork = 1;   // both records in one segment: the client receives them together
                if (junk)
                    ::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &cork, sizeof cork);
                if (SSL_write(ssl, o_.answer.data(), static_cast<int>(o_.answer.size())) <= 0)
                    break;
                if (junk)
                {
                    SSL_write(ssl, o_.junk_after_first_answer.data(), static_cast<int>(o_.junk_after_first_answer.size()));
                    cork = 0;
                    ::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &cork, sizeof cork);
                }
                std::this_thread::sleep_for(o_.delay);
                bool sent = false;
                for (int i = 0; i < o_.tickets_after_answer; ++i)
                    sent = SSL_new_session_ticket(ssl) == 1 || sent;
                if (o_.key_update_after_answer)
                    sent = SSL_key_update(ssl, SSL_KEY_UPDATE_REQUESTED) == 1 || sent;
                if (sent && SSL_do_handshake(ssl) == 1)   // sends them now, not with the next answer
                    ++records_after_answers;
            }
        }
        SSL_free(ssl);
        std::lock_guard lk(m_);
        std::erase(fds_, fd);
        ::close(fd);
    }

    options o_;
    SSL_CTX* ctx_ = nullptr;
    int listener_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread acceptor_;
    std::mutex m_;
    std::vector<int> fds_;
    std::vector<std::thread> threads_;
};

}   // namespace finovy::test

#endif
