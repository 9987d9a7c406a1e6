// libFuzzer target: AWS ALB access logs (see fuzz_capture_reader.h for what must hold).
#include "fuzz_capture_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz_capture::readAsCapture(data, size, stampede::capture::CaptureFormat::Alb,
                                       "fuzz_capture_alb");
}
