#!/bin/sh
# The {{name}} function: stdin is the call's body, stdout the answer.
echo "Hello from {{name}}: $(cat)"
