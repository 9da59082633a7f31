// SPDX-License-Identifier: BSL-1.0
// Runs a program (the simulator, the finovy tool) and captures what it prints.
#ifndef FINOVY_TEST_PROCESS_HPP
#define FINOVY_TEST_PROCESS_HPP

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace finovy::test {

struct process_result
{
    int exit_code = -1;   // 128 + signal when killed
    std::string out, err;
};

// A child process with its stdout and stderr on pipes.
class child
{
public:
    child(const std::vector<std::string>& argv, const std::vector<std::string>& env_extra = {})
    {
        int out[2], err[2];
        if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        posix_spawn_file_actions_adddup2(&fa, err[1], 2);
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        std::vector<std::string> env_strings;
        for (char** e = environ; *e; ++e)
            env_strings.emplace_back(*e);
        for (const auto& e : env_extra)
            env_strings.push_back(e);
        std::vector<char*> envp;
        for (auto& e : env_strings)
            envp.push_back(e.data());
        envp.push_back(nullptr);
        int rc = posix_spawn(&pid_, argv.at(0).c_str(), &fa, nullptr, args.data(), envp.data());
        posix_spawn_file_actions_destroy(&fa);
        close(out[1]);
        close(err[1]);
        out_ = out[0];
        err_ = err[0];
        if (rc != 0)
            throw std::runtime_error("cannot start " + argv.at(0));
    }

    ~child()
    {
        if (pid_ > 0)
        {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        close(out_);
        close(err_);
    }

    // A line of stdout, without its newline; empty on timeout or end.
    std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(20))
    {
        auto until = std::chrono::steady_clock::now() + timeout;
        for (;;)
        {
            auto nl = out_buf_.find('\n');
            if (nl != std::string::npos)
            {
                auto line = out_buf_.substr(0, nl);
                out_buf_.erase(0, nl + 1);
                return line;
            }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !pump(static_cast<int>(left.count())))
                return {};
        }
    }

    void signal(int sig) { kill(pid_, sig); }

    // Waits for the exit (killing the child after `timeout`) and collects the rest of its output.
    process_result wait(std::chrono::milliseconds timeout = std::chrono::seconds(60))
    {
        auto until = std::chrono::steady_clock::now() + timeout;
        int status = 0;
        for (;;)
        {
            pump(20);
            if (waitpid(pid_, &status, WNOHANG) == pid_)
                break;
            if (std::chrono::steady_clock::now() > until)
            {
                kill(pid_, SIGKILL);
                waitpid(pid_, &status, 0);
                break;
            }
        }
        pid_ = -1;
        while (pump(0))
        {
        }
        process_result r;
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        r.out = std::move(out_buf_);
        r.err = std::move(err_buf_);
        return r;
    }

private:
    // Reads what is available; false when both pipes are at end of file or nothing came.
    bool pump(int timeout_ms)
    {
        pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
        if (poll(fds, 2, timeout_ms) <= 0)
            return false;
        bool got = false;
        char buf[4096];
        for (int i = 0; i < 2; ++i)
            if (fds[i].revents & (POLLIN | POLLHUP))
            {
                auto n = read(fds[i].fd, buf, sizeof buf);
                if (n > 0)
                {
                    (i == 0 ? out_buf_ : err_buf_).append(buf, static_cast<std::size_t>(n));
                    got = true;
                }
            }
        return got;
    }

    pid_t pid_ = -1;
    int out_ = -1, err_ = -1;
    std::string out_buf_, err_buf_;
};

inline process_result run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                                  std::chrono::milliseconds timeout = std::chrono::seconds(60))
{
    child c(argv, env);
    return c.wait(timeout);
}

}   // namespace finovy::test

#endif
