// Must not compile from a front end: pipeline/ is the engine's inside.
#include "pipeline/run.h"
