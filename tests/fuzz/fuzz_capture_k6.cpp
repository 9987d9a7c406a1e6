// libFuzzer target: k6 --out json files (see fuzz_capture_reader.h for what must hold).
#include "fuzz_capture_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz_capture::readAsCapture(data, size, stampede::capture::CaptureFormat::K6,
                                       "fuzz_capture_k6");
}
