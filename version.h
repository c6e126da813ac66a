#define VPOINTS_VERSION "0.1.0-g4e67f43-dirty"
