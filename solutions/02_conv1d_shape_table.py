"""Worked solutions to the exercises of notebook 02 (Conv1D shapes and parameters).

Exercise 1, layer by layer from Input(120, 3):
  Conv1D(8, 5, strides=2):        floor((120 - 5)/2) + 1 = 58;  (5 x 3 + 1) x 8   =   128
  MaxPool1D(3, strides=2):        floor((58 - 3)/2) + 1  = 28
  Conv1D(16, 4, padding='same'):  ceil(28/1)             = 28;  (4 x 8 + 1) x 16  =   528
  MaxPool1D(2):                   floor((28 - 2)/2) + 1  = 14
  Conv1D(32, 3, strides=2):       floor((14 - 3)/2) + 1  =  6;  (3 x 16 + 1) x 32 = 1,568
Exercise 2: 256 -> 250 (k=7) -> 125 (pool) -> 121 (k=5) -> 60 (pool); 60 - k + 1 = 52 gives k = 9.
"""

STACK_LENGTH_AND_PARAMS = (6, 128 + 528 + 1568)
KERNEL_FOR_LENGTH = 60 - 52 + 1
