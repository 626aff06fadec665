#include <atomic>
#include <deque>
#include <iostream>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "common/net/asio_internal.h"

namespace fabric::net {

// Cross-thread work goes through our own queue rather than straight into asio::post so that stop()
// can drop what never ran: a dropped call() task breaks its promise, so a thread waiting in call()
// after the loop stopped gets std::future_error instead of hanging.
struct EventLoop::Impl {
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
  std::atomic<std::thread::id> loop_thread{};
  mutable std::mutex mutex;
  enum class State { NotStarted, Running, Stopped } state = State::NotStarted;
  std::deque<std::function<void()>> tasks;

  void drain() {
    std::deque<std::function<void()>> batch;
    {
      std::lock_guard lock(mutex);
      batch.swap(tasks);
    }
    for (auto& task : batch) task();
  }

  void run() {
    loop_thread = std::this_thread::get_id();
    // A handler that throws must not end the node: report it and keep the loop running.
    for (;;) {
      try {
        io.run();
        break;
      } catch (const std::exception& e) {
        std::cerr << "fabric-net: event loop handler threw: " << e.what() << std::endl;
      } catch (...) {
        std::cerr << "fabric-net: event loop handler threw a non-exception" << std::endl;
      }
    }
    loop_thread = std::thread::id{};
  }
};

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {}

EventLoop::~EventLoop() { stop(); }

void EventLoop::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->state == Impl::State::Running) return;
  impl_->io.restart();
  impl_->work.emplace(impl_->io.get_executor());
  impl_->state = Impl::State::Running;
  if (!impl_->tasks.empty()) asio::post(impl_->io, [impl = impl_.get()] { impl->drain(); });
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

void EventLoop::stop() {
  std::thread thread;
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->state != Impl::State::Running) {
      impl_->state = Impl::State::Stopped;
      return;
    }
    impl_->work.reset();
    impl_->io.stop();
    thread = std::move(impl_->thread);
  }
  if (thread.joinable()) {
    if (thread.get_id() == std::this_thread::get_id()) {
      thread.detach();  // stop() from a handler: the thread ends when run() returns
    } else {
      thread.join();
    }
  }
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->state = Impl::State::Stopped;
    dropped.swap(impl_->tasks);
  }
  // Destroyed outside the lock: a dropped call() task breaks its promise here.
}

void EventLoop::post(std::function<void()> fn) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->state == Impl::State::Stopped) return;  // dropped: see Impl
  const bool was_empty = impl_->tasks.empty();
  impl_->tasks.push_back(std::move(fn));
  if (was_empty && impl_->state == Impl::State::Running)
    asio::post(impl_->io, [impl = impl_.get()] { impl->drain(); });
}

bool EventLoop::onLoopThread() const { return impl_->loop_thread == std::this_thread::get_id(); }

bool EventLoop::running() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->state == Impl::State::Running;
}

void EventLoop::runOnLoop(const std::function<void()>& fn) {
  if (onLoopThread() || !running()) {
    fn();
    return;
  }
  auto task = std::make_shared<std::packaged_task<void()>>(fn);
  auto done = task->get_future();
  post([task] { (*task)(); });
  try {
    done.get();
  } catch (const std::future_error&) {
    // The loop stopped before running it (stop() joined the thread): nobody else runs handlers now.
    fn();
  }
}

void* EventLoop::ioContext() { return &impl_->io; }

struct EventLoop::Timer {
  Timer(asio::io_context& io, std::chrono::milliseconds period, bool repeat,
        std::function<void()> fn)
      : timer(io), period(period), repeat(repeat), fn(std::move(fn)) {}
  asio::steady_timer timer;
  std::chrono::milliseconds period;
  bool repeat;
  std::function<void()> fn;
};

namespace {

void arm(std::shared_ptr<EventLoop::Timer> timer, std::shared_ptr<std::atomic<bool>> cancelled,
         std::chrono::milliseconds delay) {
  timer->timer.expires_after(delay);
  timer->timer.async_wait([timer, cancelled](const asio::error_code& ec) {
    if (ec || *cancelled) return;
    timer->fn();
    if (timer->repeat && !*cancelled) arm(timer, cancelled, timer->period);
  });
}

}  // namespace

// The returned handle is a Timer whose deleter cancels: callers only ever see shared_ptr<Timer>.
std::shared_ptr<EventLoop::Timer> EventLoop::every(std::chrono::milliseconds period,
                                                   std::function<void()> fn) {
  if (period.count() <= 0) period = std::chrono::milliseconds(1);
  auto timer = std::make_shared<Timer>(impl_->io, period, true, std::move(fn));
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  auto& io = impl_->io;
  asio::post(io, [timer, cancelled, period] {
    if (!*cancelled) arm(timer, cancelled, period);
  });
  return std::shared_ptr<Timer>(timer.get(), [timer, cancelled, &io](Timer*) {
    *cancelled = true;
    asio::post(io, [timer] { timer->timer.cancel(); });
  });
}

std::shared_ptr<EventLoop::Timer> EventLoop::after(std::chrono::milliseconds delay,
                                                   std::function<void()> fn) {
  auto timer = std::make_shared<Timer>(impl_->io, delay, false, std::move(fn));
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  auto& io = impl_->io;
  asio::post(io, [timer, cancelled, delay] {
    if (!*cancelled) arm(timer, cancelled, delay);
  });
  return std::shared_ptr<Timer>(timer.get(), [timer, cancelled, &io](Timer*) {
    *cancelled = true;
    asio::post(io, [timer] { timer->timer.cancel(); });
  });
}

}  // namespace fabric::net
