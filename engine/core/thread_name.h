#pragma once
// Names the calling thread (shown by top -H, perf and gdb), at most 15 characters.

#include <pthread.h>

#include <string>

namespace stampede::core {

inline void nameThisThread(const std::string& name) {
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace stampede::core
