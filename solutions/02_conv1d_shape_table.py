"""Worked solutions to the exercises of notebook 02 (Conv1D shapes and parameters).

Exercise 1, layer by layer from Input(120, 3):
  Conv1D(8, 5, strides=2):        floor((120 - 5)/2) + 1 = 58;  (5 x 3 + 1) x 8   =   128
  MaxPool1D(3, strides=2):        floor((58 - 3)/2) + 1  = 28
  Conv1D(16, 4, padding='same'):  ceil(28/1)             = 28;  (4 x 8 + 1) x 16  =   528
  MaxPool1D(2):                   floor((28 - 2)/2) + 1  = 14
  Conv1D(32, 3, strides=2):       floor((14 - 3)/2) + 1  =  6;  (3 x 16 + 1) x 32 = 1,568
Exercise 2: 256 -> 250 (k=7) -> 125 (pool) -> 121 (k=5) -> 60 (pool); 60 - k + 1 = 52 gives k = 9.
Exercise 3: 'valid' fits floor((L - k)/s) + 1 windows; 'same' pads so that every s-th of the L
positions starts one, ceil(L/s), whatever the kernel.

``CELLS`` maps each exercise cell's nbgrader grade id to the code ``make instructor`` fills it
with.
"""

import inspect
import math

STACK_LENGTH_AND_PARAMS = (6, 128 + 528 + 1568)
KERNEL_FOR_LENGTH = 60 - 52 + 1


def output_length(length: int, kernel_size: int, strides: int, padding: str) -> int:
    """The number of steps Keras's Conv1D outputs (dilation 1)."""
    if padding == "same":
        return math.ceil(length / strides)
    return (length - kernel_size) // strides + 1


CELLS = {
    "stack_length_and_params": "from cnnlab.exercises import conv1d_shape_table as conv1d\n\n"
    "print(conv1d.stack_exercise_text())\n"
    f"answer = {STACK_LENGTH_AND_PARAMS!r}\nconv1d.check_stack_length_and_params(answer)",
    "kernel_for_length": 'print(f"{conv1d.kernel_exercise_text()}; wanted output length: '
    '{conv1d.KERNEL_TARGET_LENGTH}")\n'
    f"answer = {KERNEL_FOR_LENGTH!r}\nconv1d.check_kernel_for_length(answer)",
    "output_length": f"import math\n\n\n{inspect.getsource(output_length)}\n\n"
    "conv1d.check_output_length(output_length)",
}
