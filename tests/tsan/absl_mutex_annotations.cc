// ThreadSanitizer builds only: makes Debian's absl::Mutex visible to TSan.
//
// Debian builds Abseil without TSan, so absl::Mutex synchronises through
// atomics and futexes that TSan never sees, and every field guarded by one
// (EventLog's info_, for one) is reported as a data race that is not there.
// Abseil's own TSan annotations are compiled in only when Abseil itself is
// built with -fsanitize=thread. This file stands in for them: it defines
// absl::Mutex's lock and unlock members in the executable, which the dynamic
// linker prefers to the library's (symbol interposition), calls the
// library's real ones through dlsym(RTLD_NEXT), and tells TSan about each
// lock and unlock with its public mutex annotations (the same calls Abseil
// makes when built for TSan). Linked into every executable of a
// FUNDLOG_SANITIZE=thread build (cmake/sanitize.cmake); see
// docs/reliability.md.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>

#include "absl/synchronization/mutex.h"

namespace {

template <typename Fn>
Fn Real(const char* name) {
  void* fn = dlsym(RTLD_NEXT, name);
  if (fn == nullptr) {
    std::fprintf(stderr, "absl_mutex_annotations: no %s in libabsl\n", name);
    std::abort();
  }
  return reinterpret_cast<Fn>(fn);
}

using Member = void (*)(absl::Mutex*);
using TryMember = bool (*)(absl::Mutex*);

// Mangled names of the members, in Debian's inline namespace (absl::debian3);
// a different Abseil fails at start-up rather than silently.
#define FUNDLOG_ABSL_MUTEX(member) "_ZN4absl7debian35Mutex" member

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  static const Member real = Real<Member>(FUNDLOG_ABSL_MUTEX("4LockEv"));
  __tsan_mutex_pre_lock(this, 0);
  real(this);
  __tsan_mutex_post_lock(this, 0, 0);
}

void Mutex::Unlock() {
  static const Member real = Real<Member>(FUNDLOG_ABSL_MUTEX("6UnlockEv"));
  __tsan_mutex_pre_unlock(this, 0);
  real(this);
  __tsan_mutex_post_unlock(this, 0);
}

bool Mutex::TryLock() {
  static const TryMember real =
      Real<TryMember>(FUNDLOG_ABSL_MUTEX("7TryLockEv"));
  __tsan_mutex_pre_lock(this, __tsan_mutex_try_lock);
  const bool locked = real(this);
  __tsan_mutex_post_lock(
      this, __tsan_mutex_try_lock | (locked ? 0 : __tsan_mutex_try_lock_failed),
      0);
  return locked;
}

void Mutex::ReaderLock() {
  static const Member real = Real<Member>(FUNDLOG_ABSL_MUTEX("10ReaderLockEv"));
  __tsan_mutex_pre_lock(this, __tsan_mutex_read_lock);
  real(this);
  __tsan_mutex_post_lock(this, __tsan_mutex_read_lock, 0);
}

void Mutex::ReaderUnlock() {
  static const Member real =
      Real<Member>(FUNDLOG_ABSL_MUTEX("12ReaderUnlockEv"));
  __tsan_mutex_pre_unlock(this, __tsan_mutex_read_lock);
  real(this);
  __tsan_mutex_post_unlock(this, __tsan_mutex_read_lock);
}

bool Mutex::ReaderTryLock() {
  static const TryMember real =
      Real<TryMember>(FUNDLOG_ABSL_MUTEX("13ReaderTryLockEv"));
  __tsan_mutex_pre_lock(this, __tsan_mutex_read_lock | __tsan_mutex_try_lock);
  const bool locked = real(this);
  __tsan_mutex_post_lock(this,
                         __tsan_mutex_read_lock | __tsan_mutex_try_lock |
                             (locked ? 0 : __tsan_mutex_try_lock_failed),
                         0);
  return locked;
}

ABSL_NAMESPACE_END
}  // namespace absl
