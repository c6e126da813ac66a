#define VPOINTS_VERSION "0.1.0-g82b24e1-dirty"
